package io.guestnode.operator.definitions;

import java.nio.file.Path;

/**
 * The libvirt side of a VM resource (VirtualDomain's parameters).
 *
 * @param hypervisor   libvirt URI ({@code hypervisor}, default {@code qemu:///system})
 * @param config       the domain XML file ({@code config})
 * @param domainName   the {@code <name>} read from it
 * @param configXml    its content as loaded
 * @param forceStop    {@code force_stop}
 * @param shutdownMode {@code shutdown_mode}, empty for the default
 */
public record DomainRef(String hypervisor, Path config, String domainName, String configXml, boolean forceStop,
                        String shutdownMode) {
    /** Whether two libvirt URIs name the same connection (they differ at most in trailing slashes). */
    public static boolean sameUri(String a, String b) {
        return uriKey(a).equals(uriKey(b));
    }

    /** A hypervisor URI as compared: without trailing slashes. */
    public static String uriKey(String uri) {
        return uri.replaceAll("/+$", "");
    }
}
