package io.guestnode.agents.remote.tls;

/** The Pacemaker Remote key cannot be used: missing, empty or unreadable. The message names the path. */
public final class KeyFileException extends Exception {
    public KeyFileException(String message) {
        super(message);
    }
}
