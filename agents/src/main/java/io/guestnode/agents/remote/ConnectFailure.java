package io.guestnode.agents.remote;

import io.guestnode.agents.remote.message.GuestText;

/**
 * Why a connection to pacemaker-remoted could not be established. The kind decides what a caller does:
 * refused, unreachable and timeout are worth retrying while a guest boots; a rejected or missing key is a
 * hard failure that retrying cannot fix. The message may quote the peer and is cut to 4 KiB.
 */
public final class ConnectFailure extends Exception {

    /**
     * Classes of failure, each with the exit code {@code guestnode probe} returns for it (Pacemaker's crm_exit_t:
     * 66 NOINPUT, 69 UNAVAILABLE, 68 NOHOST, 124 TIMEOUT, 77 NOPERM, 76 PROTOCOL, 65 DATAERR, 102 DISCONNECT).
     */
    public enum Kind {
        /** The local key file is missing, empty or unreadable. */
        KEY_UNAVAILABLE(66, false, "key unavailable"),
        /** Nothing listens on the port (TCP RST). */
        REFUSED(69, true, "connection refused"),
        /** No route, network down, or the name does not resolve. */
        UNREACHABLE(68, true, "unreachable"),
        /** TCP connect, TLS handshake or register did not finish in time. */
        TIMEOUT(124, true, "timed out"),
        /** The TLS-PSK handshake failed: the remote does not accept our key (or has none). */
        KEY_REJECTED(77, false, "key rejected"),
        /** Something answered that is not pacemaker-remoted: no TLS, or not its framing or messages. */
        NOT_A_REMOTED(76, false, "not a pacemaker-remoted"),
        /** pacemaker-remoted answered but refused our sign-on (protocol version, malformed reply). */
        PROTOCOL_ERROR(65, false, "protocol error"),
        /**
         * The peer reset the connection during the TLS handshake: retried until the connect timeout (a remoted that
         * is restarting, or a guest resumed a moment ago, may reset a first handshake).
         */
        RESET(102, true, "connection reset");

        private final int exitCode;
        private final boolean retryable;
        private final String label;

        Kind(int exitCode, boolean retryable, String label) {
            this.exitCode = exitCode;
            this.retryable = retryable;
            this.label = label;
        }

        public int exitCode() {
            return exitCode;
        }

        /** Whether trying again later can succeed without anyone changing anything. */
        public boolean retryable() {
            return retryable;
        }

        public String label() {
            return label;
        }
    }

    private final Kind kind;

    public ConnectFailure(Kind kind, String message) {
        super(GuestText.cut(message));
        this.kind = kind;
    }

    public ConnectFailure(Kind kind, String message, Throwable cause) {
        super(GuestText.cut(message), cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** One line for humans: {@code key rejected: 10.250.0.2:3121 ...}. */
    public String oneLine() {
        return kind.label() + ": " + getMessage();
    }
}
