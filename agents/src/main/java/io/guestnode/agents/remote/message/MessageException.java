package io.guestnode.agents.remote.message;

import java.io.IOException;

/** A message that is not valid XML or not a valid Pacemaker Remote message. */
public final class MessageException extends IOException {
    public MessageException(String message) {
        super(message);
    }

    public MessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
