package io.guestnode.agents.domain;

import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The libvirt calls on one domain that the domain agent makes on its call threads: look-ups that tell "no such
 * domain" from errors, actions on a domain only while it runs, the graceful shutdown in a spec's mode, and the
 * release of domain handles.
 */
final class LibvirtDomains {
    /** Logs under the agent's name, as the domain agent's own lines. */
    private static final Logger LOG = LoggerFactory.getLogger(LibvirtDomainAgent.class);

    private LibvirtDomains() {
    }

    static Domain lookup(Connect c, String name) throws LibvirtException {
        try {
            return c.domainLookupByName(name);
        } catch (LibvirtException e) {
            if (e.getError() != null && e.getError().getCode() == ErrorNumber.VIR_ERR_NO_DOMAIN) {
                return null;
            }
            throw e;
        }
    }

    private static boolean isNotRunning(LibvirtException e) {
        ErrorNumber n = e.getError() == null ? null : e.getError().getCode();
        return n == ErrorNumber.VIR_ERR_OPERATION_INVALID || n == ErrorNumber.VIR_ERR_NO_DOMAIN;
    }

    @FunctionalInterface
    interface DomainCall {
        boolean apply(Domain d) throws LibvirtException;
    }

    /**
     * Runs {@code action} on the domain when it runs; false when it does not exist, does not run, or stopped
     * meanwhile (libvirt's "not running" is an answer, not an error). Callers that take false for "stopped" check
     * the domain's state afterwards: libvirt also says "operation invalid" to a domain that runs.
     */
    static boolean ifRunning(Connect c, DomainSpec spec, DomainCall action) throws LibvirtException {
        Domain d = lookup(c, spec.name());
        try {
            if (d == null || d.isActive() != 1) {
                return false;
            }
            return action.apply(d);
        } catch (LibvirtException e) {
            if (isNotRunning(e)) {
                return false;
            }
            throw e;
        } finally {
            free(d);
        }
    }

    /** What became of a request for a graceful shutdown. */
    enum ShutdownAnswer {
        /** the domain was asked to shut down */
        ASKED,
        /** the domain does not run */
        NOT_RUNNING,
        /** libvirt refused while the domain runs (an LXC container whose init libvirt does not know yet) */
        REFUSED_WHILE_RUNNING
    }

    /** Asks a running domain for a graceful shutdown in the spec's mode; a refusal is told from "not running". */
    static ShutdownAnswer askShutdown(Connect c, DomainSpec spec) throws LibvirtException {
        Domain d = lookup(c, spec.name());
        try {
            if (!stillActive(d)) {
                return ShutdownAnswer.NOT_RUNNING;
            }
            try {
                if (requestShutdown(d, spec)) {
                    return ShutdownAnswer.ASKED;
                }
            } catch (LibvirtException e) {
                if (!isNotRunning(e)) {
                    throw e;
                }
            }
            return stillActive(d) ? ShutdownAnswer.REFUSED_WHILE_RUNNING : ShutdownAnswer.NOT_RUNNING;
        } finally {
            free(d);
        }
    }

    private static boolean stillActive(Domain d) throws LibvirtException {
        try {
            return d != null && d.isActive() == 1;
        } catch (LibvirtException e) {
            if (e.getError() != null && e.getError().getCode() == ErrorNumber.VIR_ERR_NO_DOMAIN) {
                return false;
            }
            throw e;
        }
    }

    /** Asks for a graceful shutdown in the spec's mode; false when libvirt said "not running" or "not now". */
    private static boolean requestShutdown(Domain d, DomainSpec spec) throws LibvirtException {
        int flags = ShutdownModes.flags(spec.effectiveShutdownMode());
        if (flags == 0) {
            d.shutdown();
            return true;
        }
        int rc;
        try {
            rc = ShutdownModes.shutdown(d, flags);
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.warn("{}: shutdown mode '{}' unavailable ({}); using libvirt's default", spec.name(),
                    spec.effectiveShutdownMode(), e.toString());
            d.shutdown();
            return true;
        }
        if (rc == 0) {
            return true;
        }
        org.libvirt.jna.virError raw = org.libvirt.jna.Libvirt.INSTANCE.virGetLastError();
        org.libvirt.Error err = raw == null ? null : new org.libvirt.Error(raw);
        ErrorNumber n = err == null ? null : err.getCode();
        if (n == ErrorNumber.VIR_ERR_OPERATION_INVALID || n == ErrorNumber.VIR_ERR_NO_DOMAIN) {
            return false;
        }
        throw new CallFailed("shutdown (" + spec.effectiveShutdownMode() + ") failed: "
                + (err == null ? "unknown error" : err.getMessage()));
    }

    /** A libvirt failure found without a LibvirtException (calls made through JNA directly). */
    static final class CallFailed extends RuntimeException {
        CallFailed(String message) {
            super(message, null, false, false);
        }
    }

    static void free(Domain d) {
        if (d != null) {
            try {
                d.free();
            } catch (LibvirtException ignored) {
                // nothing to release
            }
        }
    }

    /**
     * A redefinition keeps the domain's identity: a config without {@code <uuid>} gets the existing one, or libvirt
     * would refuse it ("already exists with uuid ...").
     */
    static String withUuid(String xml, String uuid) {
        if (xml.contains("<uuid>")) {
            return xml;
        }
        int end = xml.indexOf("</name>");
        if (end < 0) {
            return xml;
        }
        int at = end + "</name>".length();
        return xml.substring(0, at) + "\n  <uuid>" + uuid + "</uuid>" + xml.substring(at);
    }

    static boolean isConnectionError(LibvirtException e) {
        ErrorNumber n = e.getError() == null ? null : e.getError().getCode();
        return n == ErrorNumber.VIR_ERR_NO_CONNECT || n == ErrorNumber.VIR_ERR_SYSTEM_ERROR
                || n == ErrorNumber.VIR_ERR_RPC || n == ErrorNumber.VIR_ERR_INVALID_CONN
                || n == ErrorNumber.VIR_ERR_AUTH_FAILED;
    }
}
