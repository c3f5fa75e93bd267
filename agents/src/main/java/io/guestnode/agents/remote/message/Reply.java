package io.guestnode.agents.remote.message;

/** A {@code lrmd_reply}, matched to its request by {@code msgId}. */
public record Reply(long msgId, XmlElement xml) implements Inbound {
    /** {@code lrmd_rc}: 0 or a negative errno for most operations, the call id for exec. */
    public int rc() {
        return (int) xml.longAttr(Lrmd.RC, Integer.MIN_VALUE);
    }

    public String op() {
        return xml.attr(Lrmd.OP);
    }
}
