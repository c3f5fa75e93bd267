package io.guestnode.agents.remote;

/** No answer came before the request's deadline: the remote may be frozen. */
public final class RequestTimeoutException extends RemoteException {
    public RequestTimeoutException(String message) {
        super(message);
    }
}
