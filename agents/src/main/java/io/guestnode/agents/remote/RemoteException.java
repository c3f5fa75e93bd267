package io.guestnode.agents.remote;

/** Base of the failures a session's futures complete with. */
public abstract sealed class RemoteException extends RuntimeException
        permits ConnectionLostException, RequestFailedException, RequestTimeoutException {
    protected RemoteException(String message) {
        super(message, null, false, false);
    }
}
