package io.guestnode.agents.remote;

/** A request could not complete because the session ended. */
public final class ConnectionLostException extends RemoteException {
    private final ConnectionLost lost;

    public ConnectionLostException(ConnectionLost lost) {
        super(lost.reason() + ": " + lost.detail());
        this.lost = lost;
    }

    public ConnectionLost lost() {
        return lost;
    }
}
