package io.guestnode.agents.remote.message;

import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * Builds requests exactly as Pacemaker's executor client lays them out. {@code msgId} is the per-connection
 * request counter and {@code asyncId} the client id the register reply returned.
 */
public final class Requests {
    /** The informational origin string the server logs; it does not interpret it. */
    public static final String ORIGIN = "guestnode";

    private Requests() {
    }

    /** The sign-on message: no {@code __name__}, no token, no call data. */
    public static XmlElement register(long msgId, String clientName, boolean ipcProvider) {
        XmlElement.Builder b = XmlElement.builder(Lrmd.COMMAND)
                .attr(Lrmd.TYPE, Lrmd.TYPE_LRMD)
                .attr(Lrmd.OP, Lrmd.OP_REGISTER)
                .attr(Lrmd.CLIENTNAME, clientName)
                .attr(Lrmd.PROTOCOL_VERSION, Lrmd.PROTOCOL_VERSION_VALUE);
        if (ipcProvider) {
            b.attr(Lrmd.IS_IPC_PROVIDER, "true");
        }
        return envelope(b, msgId).build();
    }

    public static XmlElement poke(long msgId, String asyncId) {
        return command(msgId, asyncId, Lrmd.OP_POKE, 0, 0, rsc().build());
    }

    public static XmlElement registerResource(long msgId, String asyncId, ResourceSpec spec) {
        XmlElement data = rsc().attr(Lrmd.RSC_ID, spec.id()).attr(Lrmd.CLASS, spec.standard())
                .attr(Lrmd.PROVIDER, spec.provider()).attr(Lrmd.RSC_TYPE, spec.type()).build();
        return command(msgId, asyncId, Lrmd.OP_RSC_REG, 0, Lrmd.OPT_DROP_RECURRING, data);
    }

    public static XmlElement resourceInfo(long msgId, String asyncId, String resourceId) {
        return command(msgId, asyncId, Lrmd.OP_RSC_INFO, 0, 0, rsc().attr(Lrmd.RSC_ID, resourceId).build());
    }

    public static XmlElement unregisterResource(long msgId, String asyncId, String resourceId) {
        return command(msgId, asyncId, Lrmd.OP_RSC_UNREG, 0, 0, rsc().attr(Lrmd.RSC_ID, resourceId).build());
    }

    /**
     * An exec request. {@code CRM_meta_timeout}, {@code CRM_meta_interval} (recurring operations) and
     * {@code crm_feature_set} are added as the controller adds them, unless the caller set them.
     */
    public static XmlElement exec(long msgId, String asyncId, ExecRequest r) {
        SequencedMap<String, String> params = new LinkedHashMap<>(r.parameters());
        params.putIfAbsent("CRM_meta_timeout", Long.toString(r.timeoutMs()));
        if (r.recurring()) {
            params.putIfAbsent("CRM_meta_interval", Long.toString(r.intervalMs()));
        }
        params.putIfAbsent("crm_feature_set", Lrmd.FEATURE_SET);
        XmlElement data = rsc()
                .attr(Lrmd.RSC_ID, r.resourceId())
                .attr(Lrmd.RSC_ACTION, r.action())
                .attr(Lrmd.RSC_USERDATA, r.userData())
                .attr(Lrmd.RSC_INTERVAL, r.intervalMs())
                .attr(Lrmd.TIMEOUT, r.timeoutMs())
                .attr(Lrmd.RSC_START_DELAY, r.startDelayMs())
                .child(Messages.attributes(params))
                .build();
        return command(msgId, asyncId, Lrmd.OP_RSC_EXEC, r.timeoutMs(), r.callOptions(), data);
    }

    public static XmlElement cancel(long msgId, String asyncId, String resourceId, String action, long intervalMs) {
        XmlElement data = rsc().attr(Lrmd.RSC_ACTION, action).attr(Lrmd.RSC_INTERVAL, intervalMs)
                .attr(Lrmd.RSC_ID, resourceId).build();
        return command(msgId, asyncId, Lrmd.OP_RSC_CANCEL, 0, 0, data);
    }

    /** All recurring operations ({@code resourceId == null}) or those of one resource. */
    public static XmlElement getRecurring(long msgId, String asyncId, String resourceId) {
        XmlElement data = rsc().attr(Lrmd.RSC_ID, resourceId).build();
        return command(msgId, asyncId, Lrmd.OP_GET_RECURRING, 0, 0, data);
    }

    /** A reply to an IPC-proxy session that refuses or ends it. */
    public static XmlElement ipcDestroy(long msgId, String session) {
        XmlElement.Builder b = XmlElement.builder(Lrmd.IPC_PROXY)
                .attr(Lrmd.OP, Lrmd.OP_IPC_FWD)
                .attr(Lrmd.IPC_OP, "destroy")
                .attr(Lrmd.IPC_SESSION, session);
        return envelope(b, msgId).build();
    }

    /**
     * The answer to a {@code shutdown_req}, laid out as the controller sends it: an IPC-proxy message with
     * only its operation, then {@code lrmd_op="ipc_fwd"} and the request envelope.
     */
    public static XmlElement shutdownAnswer(long msgId, ShutdownAnswer answer) {
        XmlElement.Builder b = XmlElement.builder(Lrmd.IPC_PROXY)
                .attr(Lrmd.IPC_OP, answer.ipcOp())
                .attr(Lrmd.OP, Lrmd.OP_IPC_FWD);
        return envelope(b, msgId).build();
    }

    private static XmlElement.Builder rsc() {
        return XmlElement.builder(Lrmd.RSC).attr(Lrmd.ORIGIN, ORIGIN);
    }

    private static XmlElement command(long msgId, String asyncId, String op, long timeoutMs, int callOptions,
                                      XmlElement data) {
        XmlElement.Builder b = XmlElement.builder(Lrmd.COMMAND)
                .attr(Lrmd.TAGNAME, Lrmd.COMMAND)
                .attr(Lrmd.TYPE, Lrmd.TYPE_LRMD)
                .attr(Lrmd.ASYNC_ID, asyncId)
                .attr(Lrmd.OP, op)
                .attr(Lrmd.TIMEOUT, timeoutMs)
                .attr(Lrmd.CALLOPTS, callOptions);
        envelope(b, msgId);
        return b.child(XmlElement.builder(Lrmd.CALLDATA).child(data).build()).build();
    }

    private static XmlElement.Builder envelope(XmlElement.Builder b, long msgId) {
        return b.attr(Lrmd.MSG_ID, msgId).attr(Lrmd.MSG_TYPE, Lrmd.MSG_REQUEST);
    }
}
