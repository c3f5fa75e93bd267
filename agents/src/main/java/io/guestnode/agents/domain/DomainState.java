package io.guestnode.agents.domain;

/**
 * What a monitor found.
 *
 * @param status   running, stopped, failed, or unknown when libvirt gave no answer and no evidence decided
 * @param paused   the domain runs but is paused (still counts as running, reported apart)
 * @param evidence where the verdict comes from: {@code libvirt}, or the process-table fallback
 * @param detail   libvirt's state or the error
 */
public record DomainState(Status status, boolean paused, String evidence, String detail) {

    public enum Status {
        /** Running, blocked, idle, paused or shutting down: the resource is active. */
        RUNNING,
        /** Shut off or not found: the resource is stopped. */
        STOPPED,
        /** Crashed. */
        FAILED,
        /** libvirt did not answer and nothing else proves either way; never read as stopped. */
        UNKNOWN
    }

    public static DomainState running(String detail) {
        return new DomainState(Status.RUNNING, false, "libvirt", detail);
    }

    public static DomainState stopped(String detail) {
        return new DomainState(Status.STOPPED, false, "libvirt", detail);
    }

    public boolean isRunning() {
        return status == Status.RUNNING;
    }
}
