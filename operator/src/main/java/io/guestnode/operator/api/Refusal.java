package io.guestnode.operator.api;

import java.util.Locale;

/**
 * Why the daemon did not carry out a request (nothing changed then), and of what kind: the reply names the kind, and
 * the CLI's exit code follows it (Pacemaker's crm_exit_t).
 */
public record Refusal(Kind kind, String message) {
    /** What kind of refusal. */
    public enum Kind {
        /** The resource, guest node or host named does not exist (CRM_EX_NOSUCH, 105). */
        NO_SUCH,
        /** The definitions are invalid; the running configuration stays (CRM_EX_CONFIG, 78). */
        INVALID_CONFIGURATION,
        /** Anything else: not possible now, or not here (CRM_EX_ERROR, 1). */
        REFUSED;

        /** The name on the wire: {@code no-such}, {@code invalid-configuration}, {@code refused}. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public static Refusal noSuch(String message) {
        return new Refusal(Kind.NO_SUCH, message);
    }

    public static Refusal invalidConfiguration(String message) {
        return new Refusal(Kind.INVALID_CONFIGURATION, message);
    }

    public static Refusal refused(String message) {
        return new Refusal(Kind.REFUSED, message);
    }
}
