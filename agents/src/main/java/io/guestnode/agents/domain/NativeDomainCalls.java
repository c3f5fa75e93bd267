package io.guestnode.agents.domain;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import java.lang.reflect.Field;
import org.libvirt.Domain;
import org.libvirt.jna.DomainPointer;

/**
 * The calls of libvirt's C API that libvirt-java 0.5.4 does not wrap, made on a binding's domain handle:
 * {@code virDomainShutdownFlags} (a graceful shutdown in a chosen mode) and {@code virDomainGetState} (a state with
 * its reason: a domain shut off because it was destroyed, or because its guest shut down).
 */
final class NativeDomainCalls {
    private NativeDomainCalls() {
    }

    /** The slice of libvirt's C API used here. */
    interface Virt extends Library {
        int virDomainShutdownFlags(DomainPointer domain, int flags);

        int virDomainGetState(DomainPointer domain, IntByReference state, IntByReference reason, int flags);
    }

    private static final class Holder {
        static final Virt VIRT = Native.load("virt", Virt.class);
        static final Field POINTER = pointerField();

        private static Field pointerField() {
            try {
                Field f = Domain.class.getDeclaredField("vdp");
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException("libvirt-java without Domain.vdp", e);
            }
        }
    }

    private static DomainPointer pointer(Domain domain) throws ReflectiveOperationException {
        return (DomainPointer) Holder.POINTER.get(domain);
    }

    /** Requests a shutdown with {@code flags}; returns libvirt's result (0 on success, -1 on error). */
    static int shutdown(Domain domain, int flags) throws ReflectiveOperationException {
        return Holder.VIRT.virDomainShutdownFlags(pointer(domain), flags);
    }

    /**
     * libvirt's reason for a shut-off domain, in the words of its lifecycle events ({@code DESTROYED},
     * {@code SHUTDOWN}, ...); empty when libvirt gives none or the call fails.
     */
    static String shutoffReason(Domain domain) {
        IntByReference state = new IntByReference();
        IntByReference reason = new IntByReference();
        try {
            if (Holder.VIRT.virDomainGetState(pointer(domain), state, reason, 0) != 0 || state.getValue() != SHUTOFF) {
                return "";
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            return "";
        }
        return shutoffReason(reason.getValue());
    }

    /** libvirt's {@code VIR_DOMAIN_SHUTOFF}. */
    static final int SHUTOFF = 5;

    /** The words of {@code virDomainShutoffReason}, in libvirt's order. */
    static String shutoffReason(int reason) {
        return switch (reason) {
            case 1 -> "SHUTDOWN";
            case 2 -> "DESTROYED";
            case 3 -> "CRASHED";
            case 4 -> "MIGRATED";
            case 5 -> "SAVED";
            case 6 -> "FAILED";
            case 7 -> "FROM_SNAPSHOT";
            case 8 -> "DAEMON";
            default -> "";
        };
    }
}
