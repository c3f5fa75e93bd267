package io.guestnode.operator.planner;

/**
 * What the leader writes to a guest's record (a conditional write from {@code version}); the host named then claims
 * the guest and starts it. Never a start by itself: only the claim, in the host's own session, allows that.
 */
public sealed interface HostIntent {
    String guest();

    String host();

    int version();

    String reason();

    /** A guest nobody owns goes to {@code host}. */
    record Assign(String guest, String host, int version, String reason) implements HostIntent {
        @Override
        public String toString() {
            return "assign " + guest + " to " + host;
        }
    }

    /** A lost host's guest, proven dead, goes to {@code host}. */
    record Recover(String guest, String lostHost, String host, int version, String reason) implements HostIntent {
        @Override
        public String toString() {
            return "recover " + guest + " from " + lostHost + " on " + host;
        }
    }

    /**
     * A guest that runs on {@code from} goes to {@code host} by a restart: {@code from} stops it, verifies it stopped
     * and hands its claim over; {@code host} then claims and starts it.
     */
    record Relocate(String guest, String from, String host, int version, String reason) implements HostIntent {
        @Override
        public String toString() {
            return "relocate " + guest + " from " + from + " to " + host;
        }
    }

    /**
     * A guest that runs on {@code from} goes to {@code host} by live migration: {@code from} migrates it (left paused
     * on {@code host}) and hands its claim over; {@code host} claims it, then resumes it.
     */
    record Migrate(String guest, String from, String host, int version, String reason) implements HostIntent {
        @Override
        public String toString() {
            return "migrate " + guest + " from " + from + " to " + host;
        }
    }
}
