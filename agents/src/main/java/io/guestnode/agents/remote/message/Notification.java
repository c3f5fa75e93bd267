package io.guestnode.agents.remote.message;

/** Notifications pacemaker-remoted sends, to every named client unless an operation asked otherwise. */
public sealed interface Notification extends Inbound {

    /** Result of an operation. */
    record Exec(ExecResult result, XmlElement xml) implements Notification {
    }

    /** Answer to a poke: the sign that the connection is healthy. */
    record Poke(int callId, int rc, XmlElement xml) implements Notification {
    }

    /** A resource was registered or unregistered (by any client). */
    record Resource(String op, String resourceId, int callId, int rc, XmlElement xml) implements Notification {
    }

    /** Another client completed its handshake with this pacemaker-remoted. */
    record NewClient(XmlElement xml) implements Notification {
    }

    /** IPC-proxy traffic, such as {@code shutdown_req} when the guest's remoted is told to stop. */
    record IpcProxy(String ipcOp, String session, XmlElement xml) implements Notification {
        public boolean shutdownRequest() {
            return Lrmd.IPC_OP_SHUTDOWN_REQ.equals(ipcOp);
        }
    }

    /** Anything else; kept for logging. */
    record Other(XmlElement xml) implements Notification {
    }
}
