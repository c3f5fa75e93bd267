package io.guestnode.agents.remote.frame;

import java.io.IOException;

/**
 * A frame that breaks the Pacemaker Remote framing rules: bad magic, impossible offsets or sizes,
 * a size over the configured ceiling, a payload that does not end in NUL, or a corrupt bzip2 body.
 * The connection that produced it cannot be trusted any more and must be closed.
 */
public final class FrameException extends IOException {
    public FrameException(String message) {
        super(message);
    }

    public FrameException(String message, Throwable cause) {
        super(message, cause);
    }
}
