package io.guestnode.operator.cli;

/** Exit codes shared by every verb; the probe adds one per class of connection failure (3-9). */
public final class ExitCodes {
    private ExitCodes() {
    }

    public static final int OK = 0;
    /** The verb ran and found a problem (e.g. {@code check} found errors). */
    public static final int PROBLEM = 1;
    /** Bad command line. */
    public static final int USAGE = 2;
    /** Invalid configuration (Pacemaker's CRM_EX_CONFIG), as a broken /etc/default/guestnode. */
    public static final int CONFIG = 78;
    /** An unexpected internal error. */
    public static final int INTERNAL = 70;
}
