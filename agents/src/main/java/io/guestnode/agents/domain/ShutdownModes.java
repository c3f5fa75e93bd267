package io.guestnode.agents.domain;

import java.util.Locale;
import org.libvirt.Domain;

/**
 * {@code virDomainShutdownFlags}, which libvirt-java 0.5.4 does not wrap: a graceful shutdown in a chosen
 * mode. LXC needs {@code signal} (SIGTERM to the container's init); libvirt's default for LXC tries initctl
 * first, which a minimal guest does not serve.
 */
final class ShutdownModes {
    private ShutdownModes() {
    }

    /**
     * libvirt's flag bits for VirtualDomain's {@code shutdown_mode} words ({@code acpi}, {@code agent},
     * {@code initctl}, {@code signal}, {@code paravirt}, comma-separated); 0 for libvirt's default.
     */
    static int flags(String modes) {
        if (modes == null || modes.isBlank()) {
            return 0;
        }
        int flags = 0;
        for (String m : modes.toLowerCase(Locale.ROOT).split("[,\\s]+")) {
            flags |= switch (m) {
                case "acpi" -> 1;
                case "agent" -> 2;
                case "initctl" -> 4;
                case "signal" -> 8;
                case "paravirt" -> 16;
                case "" -> 0;
                default -> throw new IllegalArgumentException("unknown shutdown mode '" + m
                        + "' (acpi, agent, initctl, signal, paravirt)");
            };
        }
        return flags;
    }

    /** Requests a shutdown with {@code flags}; returns libvirt's result (0 on success, -1 on error). */
    static int shutdown(Domain domain, int flags) throws ReflectiveOperationException {
        return NativeDomainCalls.shutdown(domain, flags);
    }
}
