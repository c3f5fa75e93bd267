package io.guestnode.operator.planner;

import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/** The value types of observed state. */
public final class Observed {
    private Observed() {
    }

    public enum VmStatus { UNKNOWN, STOPPED, RUNNING, FAILED }

    /**
     * What libvirt (or the process fallback) last said of a VM resource's domain.
     *
     * @param deferrals starts or stops of it that libvirt could not take (overload) in a row
     * @param retryAt   no start or stop of it before this (back-off while libvirt is overloaded)
     */
    public record Vm(VmStatus status, String detail, Instant since, int deferrals, Instant retryAt) {
        public static final Vm UNKNOWN = new Vm(VmStatus.UNKNOWN, "not yet observed", Instant.EPOCH);

        public Vm(VmStatus status, String detail, Instant since) {
            this(status, detail, since, 0, Instant.EPOCH);
        }

        /** A new observation, keeping the back-off. */
        public Vm seen(VmStatus st, String d, Instant at) {
            return new Vm(st, d, at, deferrals, retryAt);
        }

        /** libvirt could not take a start or stop: its outcome is unknown; the next one waits 1, 2, 4 ... 60 s. */
        public Vm deferred(String why, Instant now) {
            int n = deferrals + 1;
            return new Vm(VmStatus.UNKNOWN, why, now, n, now.plusSeconds(Math.min(60, 1L << Math.min(n - 1, 6))));
        }
    }

    /**
     * The implicit connection resource of a guest node.
     *
     * @param sessionGone an action found no session for the guest while the connection was up: its loss has been
     *                    noticed and its report is on its way; nothing more is sent to the guest meanwhile
     */
    public record Connection(boolean up, Instant since, boolean sessionGone) {
        public static final Connection DOWN = new Connection(false, Instant.EPOCH);

        public Connection(boolean up, Instant since) {
            this(up, since, false);
        }

        /** Whether actions may be sent through it: up, with a session. */
        public boolean usable() {
            return up && !sessionGone;
        }
    }

    /**
     * What is known of a service in one guest node. {@code UNVERIFIED}: it was active there when the connection
     * was re-established (guestnode restarted, or the connection alone was restarted); it is probed there before
     * anything else is decided for it, wherever its constraints place it.
     */
    public enum ServiceStatus { STOPPED, RUNNING, FAILED, STOP_FAILED, UNVERIFIED }

    /**
     * A service in one guest node; absent from the map means "not probed since the connection came up".
     *
     * @param monitors   intervals (ms) of the recurring monitors running for it
     * @param restarting stopped to be started again in the same guest node (a restart or a recovery in place): it
     *                   keeps its place there as if it still ran, as Pacemaker decides a restart in one transition
     */
    public record Service(ServiceStatus status, Set<Long> monitors, Instant since, boolean restarting) {
        public Service {
            monitors = Set.copyOf(new TreeSet<>(monitors));
        }

        public Service(ServiceStatus status, Set<Long> monitors, Instant since) {
            this(status, monitors, since, false);
        }

        public Service withMonitor(long intervalMs) {
            TreeSet<Long> m = new TreeSet<>(monitors);
            m.add(intervalMs);
            return new Service(status, m, since, restarting);
        }

        public boolean active() {
            return status == ServiceStatus.RUNNING || status == ServiceStatus.FAILED || status == ServiceStatus.STOP_FAILED
                    || status == ServiceStatus.UNVERIFIED;
        }
    }

    /**
     * Failures of a resource on a node: its fail count and the last failed action, as crm_mon shows them.
     *
     * @param count      fail count; {@code Score.INFINITY} after a fatal start failure
     * @param op         operation that failed (start, stop, monitor)
     * @param intervalMs its interval
     * @param rc         OCF exit code
     * @param status     execution status word (complete, Timed Out, Error, ...)
     * @param reason     exit reason
     * @param onFail     the on-fail policy applied (restart, stop, block, fence, ignore)
     * @param last       when it last failed
     */
    public record Failure(long count, String op, long intervalMs, int rc, String status, String reason,
                          String onFail, Instant last) {
        public Failure {
            status = cut(status);
            reason = cut(reason);
        }
    }

    /** Longest text kept from outside (a guest, libvirt) in a reason: it flows into logs, journal and state. */
    public static final int MAX_REASON = 4096;

    /** {@code text} cut to {@link #MAX_REASON} characters, with a marker saying how much was cut. */
    public static String cut(String text) {
        if (text == null) {
            return "";
        }
        if (text.length() <= MAX_REASON) {
            return text;
        }
        return text.substring(0, MAX_REASON) + "... [cut, " + text.length() + " chars]";
    }

    /** Why a guest must be fenced, as far as what ran in it is concerned. */
    public enum UncleanCause {
        /**
         * The guest itself failed: its VM failed or stopped by itself, or its connection was lost. What ran in it keeps
         * its place, to be recovered there once the guest is back, as Pacemaker recovers a failed container's resources.
         */
        GUEST_FAILED,
        /**
         * Only a fence settles it: a stop failed in it, a service's on-fail is fence, its connection did not start, a
         * service is active in it while it is down, or the operator fenced it. It is no place to return to in that
         * same recovery.
         */
        SETTLED_BY_FENCE,
        /**
         * Its connection failed while nothing was active in it: its VM is restarted (a clean stop, then a start), as
         * Pacemaker's on-fail=restart-container of the connection does; no fence, unless that stop fails or another
         * cause comes (which then takes its place).
         */
        RESTART_CONTAINER
    }

    /**
     * A guest node's health.
     *
     * @param unclean       it must be fenced (its VM stopped) before anything else happens to it; with the cause
     *                      RESTART_CONTAINER, its VM stopped cleanly
     * @param uncleanReason why: the first cause, kept as it was (later causes and failed fences do not add to it)
     * @param cause         what kind of cause that is (GUEST_FAILED while clean)
     * @param fenceFailures fence attempts that failed since it became unclean
     * @param fenceError    why the last fence attempt failed
     * @param recoveries    fences or unexpected VM stops in a row (crash-loop back-off grows with it)
     * @param lastFenceAt   when it was last fenced or stopped by itself
     * @param backoffUntil  no VM start before this
     * @param fenceRetryAt  after a failed fence, the next attempt
     * @param shutdownAsked when its pacemaker-remoted announced that the guest shuts down (shutdown_req); EPOCH when
     *                      it did not
     */
    public record Guest(boolean unclean, String uncleanReason, UncleanCause cause, int fenceFailures,
                        String fenceError, int recoveries, Instant lastFenceAt, Instant backoffUntil,
                        Instant fenceRetryAt, Instant shutdownAsked) {
        public static final Guest CLEAN = new Guest(false, "", UncleanCause.GUEST_FAILED, 0, "", 0, Instant.EPOCH,
                Instant.EPOCH, Instant.EPOCH);

        public Guest {
            uncleanReason = cut(uncleanReason);
            fenceError = cut(fenceError);
            java.util.Objects.requireNonNull(cause, "cause");
        }

        public Guest(boolean unclean, String uncleanReason, UncleanCause cause, int fenceFailures, String fenceError,
                     int recoveries, Instant lastFenceAt, Instant backoffUntil, Instant fenceRetryAt) {
            this(unclean, uncleanReason, cause, fenceFailures, fenceError, recoveries, lastFenceAt, backoffUntil,
                    fenceRetryAt, Instant.EPOCH);
        }

        /**
         * It must be fenced (or, {@link UncleanCause#RESTART_CONTAINER}, its VM restarted); a guest already unclean
         * keeps its first cause, except that any other cause replaces a restart of its VM.
         */
        public Guest unclean(UncleanCause why, String reason) {
            boolean replaced = unclean && cause == UncleanCause.RESTART_CONTAINER && why != cause;
            return unclean && !replaced ? this : new Guest(true, reason, why, 0, "", recoveries, lastFenceAt,
                    backoffUntil, fenceRetryAt, shutdownAsked);
        }

        /**
         * Its VM was restarted (seen stopped) for its failed connection at {@code at}: clean again, counted as the
         * {@code n}-th recovery in a row, no VM start before {@code backoffUntil}.
         */
        public Guest containerRestarted(int n, Instant at, Instant backoffUntil) {
            return new Guest(false, "", UncleanCause.GUEST_FAILED, 0, "", n, at, backoffUntil, Instant.EPOCH,
                    shutdownAsked);
        }

        /** Whether only a fence settles it: unclean, not merely to have its VM restarted. */
        public boolean fenceNeeded() {
            return unclean && cause != UncleanCause.RESTART_CONTAINER;
        }

        /** A fence attempt failed: counted, its error kept (the last one only), retried at {@code retryAt}. */
        public Guest fenceFailed(String why, Instant retryAt) {
            return new Guest(true, uncleanReason, cause, fenceFailures + 1, why, recoveries, lastFenceAt,
                    backoffUntil, retryAt, shutdownAsked);
        }

        /** The guest announced its shutdown at {@code at} (EPOCH: it no longer does). */
        public Guest shutdownAsked(Instant at) {
            return new Guest(unclean, uncleanReason, cause, fenceFailures, fenceError, recoveries, lastFenceAt,
                    backoffUntil, fenceRetryAt, at);
        }

        public boolean shuttingDown() {
            return shutdownAsked.isAfter(Instant.EPOCH);
        }

        /** The cause, with the failed fence attempts when there were any: what notes and status show. */
        public String describe() {
            return fenceFailures == 0 ? uncleanReason : uncleanReason + "; fence failed " + fenceFailures
                    + (fenceFailures == 1 ? " time" : " times") + ", last: " + fenceError;
        }
    }
}
