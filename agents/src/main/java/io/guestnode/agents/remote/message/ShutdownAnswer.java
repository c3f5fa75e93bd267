package io.guestnode.agents.remote.message;

/**
 * The answer to a guest's {@code shutdown_req}, as the cluster controller gives it
 * ({@code remote_proxy_ack_shutdown} / {@code remote_proxy_nack_shutdown}).
 */
public enum ShutdownAnswer {
    /**
     * The manager will stop the guest's resources and then disconnect; pacemaker-remoted 2.1.6 and later,
     * 3.0 included, waits for that disconnect before it exits.
     */
    ACK(Lrmd.IPC_OP_SHUTDOWN_ACK),
    /** Nothing will be stopped (the guest is unmanaged or in maintenance): pacemaker-remoted exits at once. */
    NACK(Lrmd.IPC_OP_SHUTDOWN_NACK);

    private final String ipcOp;

    ShutdownAnswer(String ipcOp) {
        this.ipcOp = ipcOp;
    }

    /** The {@code lrmd_ipc_op} value on the wire. */
    public String ipcOp() {
        return ipcOp;
    }
}
