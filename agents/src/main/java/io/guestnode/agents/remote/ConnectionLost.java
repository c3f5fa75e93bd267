package io.guestnode.agents.remote;

import io.guestnode.agents.remote.message.GuestText;
import java.time.Instant;

/**
 * Why a session ended.
 *
 * @param kind   class of the loss
 * @param detail human-readable cause, at most 4 KiB of UTF-8
 * @param at     when it was noticed
 */
public record ConnectionLost(Kind kind, String detail, Instant at) {

    /** The detail may quote the guest (a malformed message): it is cut to 4 KiB. */
    public ConnectionLost {
        detail = GuestText.cut(detail);
    }

    public enum Kind {
        /** The remote sent TLS close_notify: an orderly close by pacemaker-remoted. */
        CLOSED_BY_PEER,
        /** The TCP stream ended without close_notify: remoted was killed or crashed. */
        PEER_VANISHED,
        /** The remote announced a shutdown ({@code shutdown_req}) and then went away. */
        GUEST_SHUTDOWN,
        /** A read or write failed (reset, timeout of the TCP stack). */
        IO_ERROR,
        /** The remote sent bytes that break the framing or message rules; we dropped the connection. */
        PROTOCOL_ERROR,
        /** We closed the session ourselves. */
        LOCAL_CLOSE
    }

    /** Pacemaker's wording for the failed connection monitor. */
    public String reason() {
        return switch (kind) {
            case LOCAL_CLOSE -> "Connection closed by guestnode";
            case GUEST_SHUTDOWN -> "Remote executor shut down";
            default -> "Lost connection to remote executor";
        };
    }
}
