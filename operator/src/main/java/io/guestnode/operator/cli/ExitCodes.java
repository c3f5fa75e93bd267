package io.guestnode.operator.cli;

import java.util.List;

/**
 * Exit codes of every verb: Pacemaker's {@code crm_exit_t} (the sysexits range and its own), so that scripts written
 * for crm_resource and crm_mon read them alike. {@code probe}'s failure classes are in the same table; none of them is
 * 3-9, which mean OCF's results. {@link #TABLE} is what {@code --help} and the README show.
 */
public final class ExitCodes {
    private ExitCodes() {
    }

    public static final int OK = 0;
    /** The verb ran and was refused or found a problem (CRM_EX_ERROR). */
    public static final int PROBLEM = 1;
    /** Bad command line (CRM_EX_USAGE). */
    public static final int USAGE = 64;
    /** A reply that is not what it should be (CRM_EX_DATAERR). */
    public static final int DATA = 65;
    /** An input file is missing or unreadable (CRM_EX_NOINPUT). */
    public static final int NO_INPUT = 66;
    /** The host cannot be reached (CRM_EX_NOHOST). */
    public static final int NO_HOST = 68;
    /** The daemon, or the remote service, is not there (CRM_EX_UNAVAILABLE). */
    public static final int UNAVAILABLE = 69;
    /** An unexpected internal error (CRM_EX_SOFTWARE). */
    public static final int INTERNAL = 70;
    /** The peer does not speak the protocol (CRM_EX_PROTOCOL). */
    public static final int PROTOCOL = 76;
    /** Permission denied: the control socket, or the remote's key (CRM_EX_NOPERM). */
    public static final int NO_PERMISSION = 77;
    /** Invalid configuration (CRM_EX_CONFIG): definitions, a refused reload, /etc/default/guestnode. */
    public static final int CONFIG = 78;
    /** The connection was lost (CRM_EX_DISCONNECT). */
    public static final int DISCONNECT = 102;
    /** No such resource, guest node or host (CRM_EX_NOSUCH). */
    public static final int NO_SUCH = 105;
    /** Ran out of time waiting (CRM_EX_TIMEOUT). */
    public static final int TIMEOUT = 124;

    /** One exit code: its number, Pacemaker's name for it, and what it means here. */
    public record Code(int code, String name, String meaning) {
    }

    /** Every exit code, in order. */
    public static final List<Code> TABLE = List.of(
            new Code(OK, "CRM_EX_OK", "done (probe: the remote answered)"),
            new Code(PROBLEM, "CRM_EX_ERROR", "refused or failed: the message says why; nothing changed"),
            new Code(USAGE, "CRM_EX_USAGE", "bad command line"),
            new Code(DATA, "CRM_EX_DATAERR", "probe: pacemaker-remoted refused the sign-on (protocol version, "
                    + "malformed reply)"),
            new Code(NO_INPUT, "CRM_EX_NOINPUT", "probe: the key file is missing, empty or unreadable"),
            new Code(NO_HOST, "CRM_EX_NOHOST", "probe: no route to the guest"),
            new Code(UNAVAILABLE, "CRM_EX_UNAVAILABLE", "the daemon is not running (probe: nothing listens on the "
                    + "port)"),
            new Code(INTERNAL, "CRM_EX_SOFTWARE", "internal error"),
            new Code(PROTOCOL, "CRM_EX_PROTOCOL", "probe: what answers is not a pacemaker-remoted"),
            new Code(NO_PERMISSION, "CRM_EX_NOPERM", "permission denied on the control socket (probe: the remote "
                    + "rejected the key)"),
            new Code(CONFIG, "CRM_EX_CONFIG", "invalid configuration: check or simulate found errors, a reload was refused, or "
                    + "/etc/default/guestnode is broken"),
            new Code(DISCONNECT, "CRM_EX_DISCONNECT", "probe: the remote reset the TLS handshake"),
            new Code(NO_SUCH, "CRM_EX_NOSUCH", "no such resource, guest node or host"),
            new Code(TIMEOUT, "CRM_EX_TIMEOUT", "--wait ran out (probe: a step timed out)"));

    /** The codes each verb returns, in {@link #TABLE}'s order. */
    private static final java.util.Map<String, List<Integer>> BY_VERB = java.util.Map.ofEntries(
            java.util.Map.entry("run", List.of(OK, PROBLEM, USAGE, NO_INPUT, INTERNAL, CONFIG)),
            java.util.Map.entry("status", List.of(OK, PROBLEM, USAGE, UNAVAILABLE, NO_PERMISSION)),
            java.util.Map.entry("reload", List.of(OK, PROBLEM, USAGE, UNAVAILABLE, NO_PERMISSION, CONFIG, TIMEOUT)),
            java.util.Map.entry("check", List.of(OK, USAGE, CONFIG)),
            java.util.Map.entry("simulate", List.of(OK, PROBLEM, USAGE, UNAVAILABLE, NO_PERMISSION, CONFIG)),
            java.util.Map.entry("adopt", List.of(OK, PROBLEM, USAGE, CONFIG)),
            java.util.Map.entry("probe", List.of(OK, USAGE, DATA, NO_INPUT, NO_HOST, UNAVAILABLE, PROTOCOL,
                    NO_PERMISSION, DISCONNECT, TIMEOUT)),
            java.util.Map.entry("template", List.of(OK, USAGE, INTERNAL)),
            java.util.Map.entry("unstandby", List.of(OK, PROBLEM, USAGE, UNAVAILABLE, NO_PERMISSION, TIMEOUT)),
            java.util.Map.entry("move", List.of(OK, PROBLEM, USAGE, UNAVAILABLE, NO_PERMISSION, NO_SUCH, TIMEOUT)),
            java.util.Map.entry("ban", List.of(OK, PROBLEM, USAGE, UNAVAILABLE, NO_PERMISSION, NO_SUCH, TIMEOUT)),
            java.util.Map.entry("standby", List.of(OK, PROBLEM, USAGE, UNAVAILABLE, NO_PERMISSION, NO_SUCH,
                    TIMEOUT)));
    /**
     * What the verbs that change one resource or guest return (cleanup, disable, enable, fence, maintenance, restart,
     * clear): 124 with --wait.
     */
    private static final List<Integer> CHANGE = List.of(OK, PROBLEM, USAGE, UNAVAILABLE, NO_PERMISSION, NO_SUCH,
            TIMEOUT);

    /** The codes {@code verb} returns, as its {@code --help} lists them; the whole table for {@code guestnode}. */
    public static java.util.Map<String, String> helpOf(String verb) {
        List<Integer> codes = verb.equals("guestnode") ? TABLE.stream().map(Code::code).toList()
                : BY_VERB.getOrDefault(verb, CHANGE);
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Code c : TABLE) {
            if (codes.contains(c.code())) {
                out.put(Integer.toString(c.code()), c.meaning());
            }
        }
        return out;
    }
}
