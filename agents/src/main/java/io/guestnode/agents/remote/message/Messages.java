package io.guestnode.agents.remote.message;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.ArrayList;

/** Decodes inbound messages into typed values, and encodes parameter sets. */
public final class Messages {
    private Messages() {
    }

    /**
     * Decodes one inbound message. Every name and value in it is first {@link GuestText#cut} to 4 KiB: nothing a
     * guest sends reaches a caller, a listener or a log line longer than that.
     */
    public static Inbound decode(XmlElement received) throws MessageException {
        XmlElement xml = GuestText.cutAll(received);
        String type = xml.attr(Lrmd.MSG_TYPE);
        switch (xml.name()) {
            case Lrmd.REPLY -> {
                long id = xml.longAttr(Lrmd.MSG_ID, -1);
                if (id < 0) {
                    throw new MessageException("reply without a valid " + Lrmd.MSG_ID);
                }
                return new Reply(id, xml);
            }
            case Lrmd.NOTIFY -> {
                return decodeNotify(xml);
            }
            case Lrmd.IPC_PROXY -> {
                return new Notification.IpcProxy(nz(xml.attr(Lrmd.IPC_OP)), nz(xml.attr(Lrmd.IPC_SESSION)), xml);
            }
            default -> throw new MessageException("unexpected message <" + xml.name() + "> (type "
                    + (type == null ? "none" : type) + ")");
        }
    }

    private static Notification decodeNotify(XmlElement xml) {
        String op = nz(xml.attr(Lrmd.OP));
        int callId = (int) xml.longAttr(Lrmd.CALLID, -1);
        int rc = (int) xml.longAttr(Lrmd.RC, 0);
        return switch (op) {
            case Lrmd.OP_RSC_EXEC -> new Notification.Exec(execResult(xml), xml);
            case Lrmd.OP_POKE -> new Notification.Poke(callId, rc, xml);
            case Lrmd.OP_RSC_REG, Lrmd.OP_RSC_UNREG ->
                    new Notification.Resource(op, nz(xml.attr(Lrmd.RSC_ID)), callId, rc, xml);
            case Lrmd.OP_NEW_CLIENT -> new Notification.NewClient(xml);
            default -> new Notification.Other(xml);
        };
    }

    static ExecResult execResult(XmlElement x) {
        return new ExecResult(
                (int) x.longAttr(Lrmd.CALLID, -1),
                nz(x.attr(Lrmd.RSC_ID)),
                nz(x.attr(Lrmd.RSC_ACTION)),
                x.longAttr(Lrmd.RSC_INTERVAL, 0),
                nz(x.attr(Lrmd.RSC_USERDATA)),
                (int) x.longAttr(Lrmd.EXEC_RC, OcfExit.ERR_GENERIC),
                ExecStatus.of(x.longAttr(Lrmd.EXEC_OP_STATUS, ExecStatus.ERROR.code())),
                nz(x.attr(Lrmd.RSC_EXIT_REASON)),
                nz(x.attr(Lrmd.RSC_OUTPUT)),
                x.longAttr(Lrmd.EXEC_TIME, 0),
                x.longAttr(Lrmd.QUEUE_TIME, 0),
                x.longAttr(Lrmd.RSC_DELETED, 0) != 0,
                x.child(Lrmd.ATTRIBUTES).map(Messages::parameters).orElse(Map.of()));
    }

    /** Reads both parameter forms: attributes, and {@code <param name value/>} children. */
    public static Map<String, String> parameters(XmlElement attributes) {
        Map<String, String> out = new HashMap<>(attributes.attributes());
        for (XmlElement p : attributes.children(Lrmd.PARAM)) {
            String name = p.attr("name");
            if (name != null) {
                out.put(name, nz(p.attr("value")));
            }
        }
        return out;
    }

    /** Writes parameters; names that are not XML names become {@code <param>} children. */
    public static XmlElement attributes(SequencedMap<String, String> params) {
        XmlElement.Builder b = XmlElement.builder(Lrmd.ATTRIBUTES);
        List<XmlElement> odd = new ArrayList<>();
        params.forEach((k, v) -> {
            if (XmlCodec.isValidName(k)) {
                b.attr(k, v);
            } else {
                odd.add(XmlElement.builder(Lrmd.PARAM).attr("name", k).attr("value", v).build());
            }
        });
        odd.forEach(b::child);
        return b.build();
    }

    /** The recurring operations listed in a {@code lrmd_get_recurring} reply. */
    public static List<RecurringOp> recurringOps(XmlElement reply) {
        List<RecurringOp> out = new ArrayList<>();
        for (XmlElement rsc : reply.children(Lrmd.RSC)) {
            String id = nz(rsc.attr(Lrmd.RSC_ID));
            for (XmlElement op : rsc.children(Lrmd.RSC_OP)) {
                out.add(new RecurringOp(id, nz(op.attr(Lrmd.RSC_ACTION)), op.longAttr(Lrmd.RSC_INTERVAL, 0),
                        op.longAttr(Lrmd.TIMEOUT, 0)));
            }
        }
        return out;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
