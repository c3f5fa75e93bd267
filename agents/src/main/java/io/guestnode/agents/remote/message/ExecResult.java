package io.guestnode.agents.remote.message;

import java.util.Map;

/**
 * The result of one run of an operation, from a {@code send_cmd_complete_notify} notification.
 *
 * @param callId       the call id the exec reply returned; recurring operations keep it for life
 * @param resourceId   resource
 * @param action       the action requested
 * @param intervalMs   0 for one-shot operations
 * @param userData     the request's opaque key
 * @param rc           OCF exit code ({@link OcfExit}), meaningful when {@code status} is DONE
 * @param status       execution status
 * @param exitReason   agent's exit reason, or empty
 * @param output       agent output, or empty
 * @param execTimeMs   how long the agent ran
 * @param queueTimeMs  how long the operation waited
 * @param deleted      the resource was unregistered meanwhile
 * @param parameters   the request's parameters, echoed
 */
public record ExecResult(int callId, String resourceId, String action, long intervalMs, String userData,
                         int rc, ExecStatus status, String exitReason, String output, long execTimeMs,
                         long queueTimeMs, boolean deleted, Map<String, String> parameters) {

    public ExecResult {
        parameters = Map.copyOf(parameters);
    }

    /** Completed and the agent returned {@code expected}. */
    public boolean is(int expected) {
        return status == ExecStatus.DONE && rc == expected;
    }

    public String summary() {
        String what = resourceId + " " + action + (intervalMs > 0 ? " (" + intervalMs + "ms)" : "");
        String outcome = status == ExecStatus.DONE
                ? "rc=" + rc + " (" + OcfExit.describe(rc) + ")"
                : "status " + status + ", rc=" + rc;
        return what + ": " + outcome + (exitReason.isEmpty() ? "" : ", '" + exitReason + "'");
    }
}
