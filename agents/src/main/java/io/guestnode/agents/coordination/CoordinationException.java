package io.guestnode.agents.coordination;

/** ZooKeeper did not answer, or answered with an error: nothing is known to have been written. */
public final class CoordinationException extends Exception {
    public CoordinationException(String message, Throwable cause) {
        super(message, cause);
    }

    public CoordinationException(String message) {
        super(message);
    }
}
