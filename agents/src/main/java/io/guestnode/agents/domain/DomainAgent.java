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
