package io.guestnode.agents.remote.message;

/** OCF exit codes ({@code enum ocf_exitcode}). */
public final class OcfExit {
    private OcfExit() {
    }

    public static final int OK = 0;
    public static final int ERR_GENERIC = 1;
    public static final int ERR_ARGS = 2;
    public static final int ERR_UNIMPLEMENTED = 3;
    public static final int ERR_PERM = 4;
    public static final int ERR_INSTALLED = 5;
    public static final int ERR_CONFIGURED = 6;
    public static final int NOT_RUNNING = 7;
    public static final int RUNNING_PROMOTED = 8;
    public static final int FAILED_PROMOTED = 9;
    public static final int DEGRADED = 190;
    public static final int DEGRADED_PROMOTED = 191;
    public static final int PENDING = 193;

    public static String describe(int rc) {
        return switch (rc) {
            case OK -> "ok";
            case ERR_GENERIC -> "error";
            case ERR_ARGS -> "invalid parameter";
            case ERR_UNIMPLEMENTED -> "unimplemented feature";
            case ERR_PERM -> "insufficient privileges";
            case ERR_INSTALLED -> "not installed";
            case ERR_CONFIGURED -> "not configured";
            case NOT_RUNNING -> "not running";
            case RUNNING_PROMOTED -> "promoted";
            case FAILED_PROMOTED -> "promoted (failed)";
            case DEGRADED -> "degraded";
            case DEGRADED_PROMOTED -> "promoted (degraded)";
            case PENDING -> "pending";
            default -> "unknown (" + rc + ")";
        };
    }
}
