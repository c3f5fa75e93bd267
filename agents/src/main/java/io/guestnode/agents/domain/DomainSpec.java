package io.guestnode.agents.domain;

import java.util.Objects;

/**
 * What the domain agent needs to know of a VM resource.
 *
 * @param hypervisorUri libvirt URI ({@code lxc:///}, {@code qemu:///system}, {@code test:///default})
 * @param name          the domain name (the {@code <name>} of the config)
 * @param configXml     the domain XML, read from the VM resource's {@code config} file
 * @param forceStop     destroy at once instead of a graceful shutdown first
 * @param shutdownMode  VirtualDomain's {@code shutdown_mode} ({@code acpi}, {@code agent}, {@code signal}, ...);
 *                      empty for the default: {@code signal} on LXC, libvirt's choice elsewhere
 */
public record DomainSpec(String hypervisorUri, String name, String configXml, boolean forceStop,
                         String shutdownMode) {
    public DomainSpec {
        Objects.requireNonNull(hypervisorUri, "hypervisorUri");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(configXml, "configXml");
        shutdownMode = shutdownMode == null ? "" : shutdownMode;
    }

    public DomainSpec(String hypervisorUri, String name, String configXml, boolean forceStop) {
        this(hypervisorUri, name, configXml, forceStop, "");
    }

    /** The graceful shutdown mode actually used. */
    public String effectiveShutdownMode() {
        if (!shutdownMode.isBlank()) {
            return shutdownMode;
        }
        return hypervisorUri.startsWith("lxc") ? "signal" : "";
    }
}
