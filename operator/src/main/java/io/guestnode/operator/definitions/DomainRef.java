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
    /** The hypervisor of a domain that is only modelled: a VM resource of another agent, read to check or simulate. */
    public static final String MODELLED = "modelled:";

    /** A VM resource's domain that guestnode does not drive: named by the resource, with no libvirt behind it. */
    public static DomainRef modelled(String resourceId) {
        return new DomainRef(MODELLED, Path.of(MODELLED + resourceId), resourceId, "", false, "");
    }

    public boolean isModelled() {
        return MODELLED.equals(hypervisor);
    }

    /** Whether two libvirt URIs name the same connection (they differ at most in trailing slashes). */
    public static boolean sameUri(String a, String b) {
        return uriKey(a).equals(uriKey(b));
    }

    /** A hypervisor URI as compared: without trailing slashes. */
    public static String uriKey(String uri) {
        return uri.replaceAll("/+$", "");
    }
}
