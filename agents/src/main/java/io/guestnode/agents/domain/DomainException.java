package io.guestnode.agents.domain;

/** A domain action failed; the message names the domain and the hypervisor. */
public final class DomainException extends Exception {

    public enum Kind {
        /** libvirt did not answer within the deadline. */
        TIMEOUT,
        /** libvirtd cannot be reached at that URI. */
        UNAVAILABLE,
        /** libvirt refused or failed the call. */
        LIBVIRT_ERROR,
        /** The domain XML is not acceptable to libvirt. */
        INVALID_CONFIG,
        /**
         * libvirt is overloaded (several calls past their deadline at once, or no call slot free): the call was not
         * carried out, or its outcome is unknown, through no fault of the domain. Try again later.
         */
        OVERLOAD,
        /**
         * This host may not start the domain now: it does not hold the guest's claim, or its own lease on the cluster
         * is not fresh. Nothing was carried out; no fault of the domain.
         */
        REFUSED
    }

    private final Kind kind;

    public DomainException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
