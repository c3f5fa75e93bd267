package io.guestnode.agents.domain;

import java.time.Instant;

/**
 * A lifecycle event of a domain, or of the connection that carries the events.
 *
 * @param hypervisorUri the connection it came from
 * @param domain        domain name; empty for connection events
 * @param kind          what happened
 * @param detail        libvirt's detail (e.g. {@code DESTROYED}, {@code SHUTDOWN}, {@code CRASHED})
 * @param at            when guestnode received it
 */
public record DomainEvent(String hypervisorUri, String domain, Kind kind, String detail, Instant at) {

    public enum Kind {
        STARTED, STOPPED, CRASHED, SUSPENDED, RESUMED, SHUTTING_DOWN, DEFINED, UNDEFINED, OTHER,
        /** The connection to libvirtd closed (libvirtd restarted or died); events may have been missed. */
        CONNECTION_LOST,
        /** The connection is back; re-check every domain on it. */
        CONNECTION_RESTORED
    }
}
