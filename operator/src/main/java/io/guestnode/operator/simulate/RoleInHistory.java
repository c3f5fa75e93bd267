package io.guestnode.operator.simulate;

import io.guestnode.operator.simulate.CibStatus.OpRecord;
import java.util.List;
import java.util.Optional;

/**
 * What a resource's operation history on one node says of it now, read as Pacemaker reads it: the operations in
 * call order, each start, stop and probe setting the role, a failed recurring monitor making it failed.
 */
public enum RoleInHistory {
    /** Stopped there (or never found running). */
    STOPPED,
    STARTED,
    /** Running, or maybe running, after a failure: it must be recovered. */
    FAILED,
    /** Its stop failed: it may still run, and only fencing the node clears it. */
    STOP_FAILED;

    /** The role {@code ops} leave the resource in; empty when there is no history at all. */
    public static Optional<RoleInHistory> of(List<OpRecord> ops) {
        return of(ops, true);
    }

    /**
     * The same, for a resource that is managed or not: a recurring monitor of an unmanaged resource that finds it
     * not running (7) says it is stopped, not failed (nothing recovers it), as Pacemaker reads it.
     */
    public static Optional<RoleInHistory> of(List<OpRecord> ops, boolean managed) {
        RoleInHistory role = null;
        for (OpRecord op : ops) {
            if (op.opStatus() == -1 || op.opStatus() == 1) {
                continue; // pending or cancelled: says nothing of the outcome
            }
            boolean ok = op.completed() && op.rc() == 0;
            role = switch (op.operation()) {
                case "start", "migrate_from" -> ok ? STARTED : FAILED;
                case "stop", "migrate_to" -> op.operation().equals("stop") ? (ok ? STOPPED : STOP_FAILED)
                        : (ok ? STOPPED : FAILED);
                case "monitor" -> !managed && !op.probe() && op.completed() && op.rc() == 7 ? STOPPED
                        : monitor(op, role);
                case "reload", "reload-agent" -> ok ? STARTED : FAILED;
                default -> role;
            };
        }
        return Optional.ofNullable(role);
    }

    private static RoleInHistory monitor(OpRecord op, RoleInHistory before) {
        boolean done = op.completed();
        if (op.probe()) {
            if (done && op.rc() == 7) {
                return STOPPED;
            }
            return done && op.rc() == 0 ? STARTED : FAILED;
        }
        if (done && op.rc() == 0) {
            return before == null ? STARTED : before;
        }
        // a recurring monitor failed after the last start, stop or probe (calls are in order): it may run, failed
        return before == STOP_FAILED ? STOP_FAILED : FAILED;
    }

    public boolean active() {
        return this != STOPPED;
    }
}
