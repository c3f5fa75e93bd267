package io.guestnode.agents.domain;

import java.time.Duration;

/**
 * Starts, stops and monitors libvirt domains; every call is bounded by its timeout, and "libvirt did not
 * answer" is never taken for "stopped".
 */
public interface DomainAgent extends AutoCloseable {

    /**
     * Defines the domain from its XML when it is not running and starts it; returns once it runs. A domain
     * that already runs is adopted as it is.
     */
    DomainState start(DomainSpec spec, Duration timeout) throws DomainException;

    /**
     * Stops the domain: a graceful shutdown (LXC: SIGTERM to its init) until {@code timeout} minus 5 s, then
     * destroy; with {@code forceStop}, destroy at once. A domain that does not exist or does not run is
     * stopped already. Returns only once libvirt reports it not running.
     */
    StopResult stop(DomainSpec spec, Duration timeout) throws DomainException;

    /** Destroys the domain at once (fencing), then verifies it is not running. */
    StopResult destroy(DomainSpec spec, Duration timeout) throws DomainException;

    /**
     * The domain's state. When libvirt does not answer, a running emulator process says RUNNING; anything else is
     * UNKNOWN, never STOPPED.
     */
    DomainState monitor(DomainSpec spec, Duration timeout);

    /**
     * Migrates the running domain live to the libvirt at {@code destinationUri}, peer to peer: it is left paused,
     * persistent, on the destination, and undefined here. Returns once libvirt reports the migration done; after any
     * failure (or a timeout, which aborts libvirt's job) the caller asks {@link #monitor} where the domain is: libvirt
     * resumes it here when the migration did not complete.
     *
     * @param unsafe migrate although a disk's cache mode is not safe for it (a test lab's disks on tmpfs)
     */
    default void migrate(DomainSpec spec, String destinationUri, boolean unsafe, Duration timeout)
            throws DomainException {
        throw new DomainException(DomainException.Kind.LIBVIRT_ERROR, spec.name() + ": live migration is not "
                + "supported here", null);
    }

    /** Resumes a paused domain; returns its state then. A domain that runs already is left as it is. */
    default DomainState resume(DomainSpec spec, Duration timeout) throws DomainException {
        throw new DomainException(DomainException.Kind.LIBVIRT_ERROR, spec.name() + ": resume is not supported here",
                null);
    }

    void addListener(DomainEventListener listener);

    @Override
    void close();

    /**
     * How a stop ended.
     *
     * @param how     {@code already stopped}, {@code shut down}, {@code destroyed}, {@code destroyed after
     *                graceful shutdown timed out}
     * @param elapsed how long it took
     */
    record StopResult(String how, Duration elapsed) {
    }
}
