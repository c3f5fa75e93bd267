package io.guestnode.agents.remote.message;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * One operation to run on a registered resource.
 *
 * @param resourceId   the resource
 * @param action       start, stop, monitor, ... (a probe is monitor with interval 0)
 * @param intervalMs   0 for a one-shot operation, else the recurring interval
 * @param timeoutMs    how long the executor lets the agent run
 * @param startDelayMs how long the executor holds the operation before running it
 * @param parameters   agent parameters, in order
 * @param userData     opaque key returned unchanged in every result
 * @param callOptions  {@code lrmd_callopt} bits; the controller sends {@link Lrmd#OPT_NOTIFY_CHANGES_ONLY}
 */
public record ExecRequest(String resourceId, String action, long intervalMs, long timeoutMs, long startDelayMs,
                          SequencedMap<String, String> parameters, String userData, int callOptions) {

    public ExecRequest {
        Objects.requireNonNull(resourceId, "resourceId");
        Objects.requireNonNull(action, "action");
        if (intervalMs < 0 || timeoutMs < 0 || startDelayMs < 0) {
            throw new IllegalArgumentException("interval, timeout and start delay must not be negative");
        }
        parameters = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(parameters));
        if (userData == null) {
            userData = resourceId + "_" + action + "_" + intervalMs;
        }
    }

    /** An operation with the controller's call options and the operation key as user data. */
    public static ExecRequest of(String resourceId, String action, long intervalMs, long timeoutMs,
                                 SequencedMap<String, String> parameters) {
        return new ExecRequest(resourceId, action, intervalMs, timeoutMs, 0, parameters, null,
                Lrmd.OPT_NOTIFY_CHANGES_ONLY);
    }

    public boolean recurring() {
        return intervalMs > 0;
    }

    public ExecRequest withStartDelay(long delayMs) {
        return new ExecRequest(resourceId, action, intervalMs, timeoutMs, delayMs, parameters, userData, callOptions);
    }
}
