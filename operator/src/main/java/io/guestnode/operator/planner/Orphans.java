package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.definitions.VmResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Resources removed from the definitions while they may still run. They stay in the working definitions as
 * disabled (target-role Stopped), so that the planner stops them in order (services, connection, VM), and are
 * forgotten once stopped: a deleted guest disappears by itself, unlike Pacemaker's offline node entries.
 */
public final class Orphans {
    private Orphans() {
    }

    /** {@code fresh} plus what {@code previous} had that {@code fresh} lacks, disabled. */
    public static Definitions merge(Definitions previous, Definitions fresh) {
        Set<String> vmIds = fresh.vms().stream().map(VmResource::id).collect(Collectors.toSet());
        Set<String> nodes = fresh.vms().stream().map(VmResource::node).collect(Collectors.toSet());
        Set<String> svcIds = fresh.services().stream().map(Service::id).collect(Collectors.toSet());
        List<VmResource> vms = new ArrayList<>(fresh.vms());
        for (VmResource v : previous.vms()) {
            if (!vmIds.contains(v.id()) && !nodes.contains(v.node())) {
                vms.add(new VmResource(v.id(), v.agent(), v.domain(), v.connection(),
                        v.meta().withTargetRole(TargetRole.STOPPED), v.ops(), v.params(), v.at()));
            }
        }
        List<Service> services = new ArrayList<>(fresh.services());
        for (Service s : previous.services()) {
            if (!svcIds.contains(s.id())) {
                services.add(new Service(s.id(), s.agent(), s.params(), s.meta().withTargetRole(TargetRole.STOPPED),
                        s.ops(), java.util.Optional.empty(), s.at()));
            }
        }
        return fresh.withResources(vms, services);
    }

    /** Drops the orphans of {@code working} (those not in {@code declared}) that are stopped. */
    public static Definitions prune(Definitions working, Definitions declared, ObservedState s) {
        Set<String> vmIds = declared.vms().stream().map(VmResource::id).collect(Collectors.toSet());
        Set<String> svcIds = declared.services().stream().map(Service::id).collect(Collectors.toSet());
        List<VmResource> vms = working.vms().stream().filter(v -> vmIds.contains(v.id())
                || !(s.vm(v.id()).status() == Observed.VmStatus.STOPPED && !s.connection(v.node()).up()
                && !s.busy("vm:" + v.id()) && !s.busy("conn:" + v.node()))).toList();
        List<Service> services = working.services().stream().filter(x -> svcIds.contains(x.id())
                || s.services().entrySet().stream().anyMatch(e -> e.getKey().resource().equals(x.id())
                && (e.getValue().active() || s.busy("svc:" + x.id() + "@" + e.getKey().node())))).toList();
        if (vms.size() == working.vms().size() && services.size() == working.services().size()) {
            return working;
        }
        return working.withResources(vms, services);
    }
}
