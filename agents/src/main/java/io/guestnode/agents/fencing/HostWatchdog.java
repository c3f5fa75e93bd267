package io.guestnode.agents.fencing;

/**
 * What resets this host should guestnode hang while it may run guests: fed with deadlines ({@link System#nanoTime()}
 * values, the end of the host's lease), never with a bare "still alive". It keeps the host alive only until the last
 * deadline it was given, so a late feed cannot extend protection, and resets the host at most its timeout after that.
 */
public interface HostWatchdog extends AutoCloseable {
    /** The host may run guests until {@code deadlineNanos}; earlier deadlines than one already given change nothing. */
    void feedUntil(long deadlineNanos);

    /** A planned stop: the watchdog is closed cleanly and will not reset the host. */
    void disarm();

    /** Closing without {@link #disarm()} leaves the watchdog armed: the host resets when the last deadline passed. */
    @Override
    void close();
}
