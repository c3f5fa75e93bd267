package io.guestnode.operator.planner;

import java.util.Optional;

/** What observers and the executor report to the control loop; the reducer folds them into observed state. */
public sealed interface Event {

    /** libvirt (an event or a monitor) says what state a VM resource's domain is in. */
    record VmSeen(String vm, Observed.VmStatus status, String detail) implements Event {
    }

    /** The executor began an action. */
    record ActionStarted(Action action) implements Event {
    }

    /**
     * The executor finished an action.
     *
     * @param ok     the action did what it should (for a probe: the probe ran; its rc says what it found)
     * @param rc     OCF exit code of a service operation (0 otherwise)
     * @param status execution status word: {@code complete}, {@code Timed Out}, {@code Error}, {@code not connected},
     *               a connection failure class ({@code key rejected}, {@code timed out}, ...)
     * @param reason exit reason or error message
     */
    record ActionFinished(Action action, boolean ok, int rc, String status, String reason) implements Event {
        public static ActionFinished ok(Action a) {
            return new ActionFinished(a, true, 0, "complete", "");
        }

        public static ActionFinished failed(Action a, String status, String reason) {
            return new ActionFinished(a, false, 1, status, reason);
        }
    }

    /** A result of a recurring monitor inside a guest node. */
    record MonitorResult(String service, String node, long intervalMs, int rc, String status, String reason)
            implements Event {
    }

    /** The connection to a guest node's pacemaker-remoted was lost (EOF, reset, poke unanswered). */
    record ConnectionLost(String node, String reason, long monitorIntervalMs) implements Event {
    }

    /**
     * Another client signed on to the guest node's pacemaker-remoted (remoted announced it with
     * {@code lrmd_rsc_new_client}) and nobody expected it: guestnode closed its own session, as Pacemaker's controller
     * does, and re-checked that this host still owns the guest.
     */
    record ClientTakeover(String node) implements Event {
        /** The reason recorded against the connection resource, in Pacemaker's words. */
        public static final String REASON = "unexpected client takeover";
    }

    /**
     * The guest's pacemaker-remoted announced that the guest shuts down (shutdown_req: it got SIGTERM, e.g. a poweroff
     * inside the guest or libvirt's graceful shutdown).
     */
    record ShutdownRequested(String node) implements Event {
    }

    /** An operator cleaned up a resource's failures (on one node, or everywhere). */
    record Cleanup(String resource, Optional<String> node) implements Event {
    }

    /**
     * This host took a guest node over from another host: the failures of services in it that the other host
     * recorded (by service), to be kept as if they had happened here (fail counts follow the guest node, as they
     * follow a node in Pacemaker; the VM's and the connection's stay with the host they happened on).
     */
    record HistoryAdopted(String node, java.util.Map<String, Observed.Failure> failures) implements Event {
        public HistoryAdopted {
            failures = java.util.Map.copyOf(failures);
        }
    }
}
