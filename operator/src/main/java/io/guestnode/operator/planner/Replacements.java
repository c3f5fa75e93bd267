package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.DomainRef;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.definitions.VmResource;
import java.util.ArrayList;
import java.util.Map;
import java.util.List;
import java.util.Optional;

/**
 * A reload that changes what a guest node's VM is (its libvirt domain's name, its {@code config} file, its
 * {@code hypervisor} URI, or the VM resource's id) while the old one may still run: the old VM stays in the working
 * definitions, disabled, until it is verified stopped (services, connection, VM, in that order; a failed stop fences
 * it); only then does the new one take its place. Never both at once. Pure functions of definitions and observed
 * state, like the planner.
 */
public final class Replacements {
    private Replacements() {
    }

    /** The fields that name a VM's domain: a change of any of them is a new domain. */
    public static Optional<String> identityChange(VmResource old, VmResource fresh) {
        DomainRef a = old.domain();
        DomainRef b = fresh.domain();
        if (!old.id().equals(fresh.id())) {
            return Optional.of("id " + old.id() + " -> " + fresh.id());
        }
        if (!DomainRef.sameUri(a.hypervisor(), b.hypervisor())) {
            return Optional.of("hypervisor " + a.hypervisor() + " -> " + b.hypervisor());
        }
        if (!a.config().equals(b.config())) {
            return Optional.of("config " + a.config() + " -> " + b.config());
        }
        if (!a.domainName().equals(b.domainName())) {
            return Optional.of("domain name " + a.domainName() + " -> " + b.domainName());
        }
        return Optional.empty();
    }

    /**
     * A reload may not give a new guest node a domain that another guest node's VM may still be running: the error
     * names both resources and the domain. Empty when the reload is acceptable.
     */
    public static Optional<String> conflict(Definitions working, Definitions fresh) {
        Map<String, List<VmResource>> byDomain = new java.util.HashMap<>();
        for (VmResource w : working.vms()) {
            byDomain.computeIfAbsent(domainKey(w), k -> new ArrayList<>()).add(w);
        }
        for (VmResource v : fresh.vms()) {
            for (VmResource w : byDomain.getOrDefault(domainKey(v), List.of())) {
                if (!w.node().equals(v.node())) {
                    return Optional.of(v.id() + " (" + v.at() + "): domain " + v.domain().domainName() + " on "
                            + v.domain().hypervisor() + " belongs to " + w.id() + " (guest node " + w.node()
                            + "); stop and remove " + w.id() + " first");
                }
            }
        }
        return Optional.empty();
    }

    private static String domainKey(VmResource v) {
        return DomainRef.uriKey(v.domain().hypervisor()) + " " + v.domain().domainName();
    }

    /**
     * {@code merged} (the new definitions, with removed resources kept by {@link Orphans#merge}), where every VM whose
     * identity changed while its predecessor in {@code working} may still run is replaced by that predecessor,
     * disabled.
     */
    public static Definitions hold(Definitions working, Definitions merged, ObservedState s) {
        List<VmResource> vms = new ArrayList<>();
        boolean changed = false;
        Map<String, VmResource> workingByNode = working.vmsByNode();
        for (VmResource v : merged.vms()) {
            Optional<VmResource> prev = Optional.ofNullable(workingByNode.get(v.node()));
            if (prev.isPresent() && identityChange(prev.get(), v).isPresent() && mayRun(prev.get(), s)) {
                vms.add(new VmResource(prev.get().id(), prev.get().agent(), prev.get().domain(),
                        prev.get().connection(), prev.get().meta().withTargetRole(TargetRole.STOPPED),
                        prev.get().ops(), prev.get().params(), prev.get().at()));
                changed = true;
            } else {
                vms.add(v);
            }
        }
        return changed ? with(merged, vms) : merged;
    }

    /** VMs held back by {@link #hold} whose predecessor is now verified stopped: the declared one takes its place. */
    public static List<VmResource> released(Definitions working, Definitions declared, ObservedState s) {
        Map<String, VmResource> declaredByNode = declared.vmsByNode();
        List<VmResource> out = new ArrayList<>();
        for (VmResource w : working.vms()) {
            VmResource d = declaredByNode.get(w.node());
            if (d != null && identityChange(w, d).isPresent() && !mayRun(w, s)) {
                out.add(d);
            }
        }
        return out;
    }

    /** Whether {@code working} holds any VM in an identity other than the declared one. */
    public static boolean holds(Definitions working, Definitions declared) {
        Map<String, VmResource> declaredByNode = declared.vmsByNode();
        return working.vms().stream().anyMatch(w -> declaredByNode.containsKey(w.node())
                && identityChange(w, declaredByNode.get(w.node())).isPresent());
    }

    /** {@code working} with the {@code released} VMs in place of their predecessors. */
    public static Definitions release(Definitions working, List<VmResource> released) {
        List<VmResource> vms = new ArrayList<>();
        for (VmResource w : working.vms()) {
            vms.add(released.stream().filter(r -> r.node().equals(w.node())).findFirst().orElse(w));
        }
        return with(working, vms);
    }

    /** Whether the VM may still run: only a stop verified by libvirt (or a fence) with nothing in flight says no. */
    static boolean mayRun(VmResource vm, ObservedState s) {
        return s.vm(vm.id()).status() != Observed.VmStatus.STOPPED || s.busy("vm:" + vm.id())
                || s.busy("conn:" + vm.node()) || s.connection(vm.node()).up();
    }

    private static Definitions with(Definitions d, List<VmResource> vms) {
        return d.withResources(vms, d.services());
    }
}
