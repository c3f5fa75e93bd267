package io.guestnode.agents.remote;

/** The remote answered a request with an error code (a negative errno). */
public final class RequestFailedException extends RemoteException {
    private final int rc;

    public RequestFailedException(String op, int rc) {
        super(op + " failed with rc=" + rc + describe(rc));
        this.rc = rc;
    }

    public int rc() {
        return rc;
    }

    private static String describe(int rc) {
        return switch (rc) {
            case -19 -> " (no such resource)";
            case -22 -> " (invalid request)";
            case -71 -> " (protocol error)";
            case -95 -> " (not supported, or no such operation)";
            case -115 -> " (an operation is in progress)";
            default -> "";
        };
    }
}
