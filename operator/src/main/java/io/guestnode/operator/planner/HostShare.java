package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.Group;
import io.guestnode.operator.definitions.LocationRule;
import io.guestnode.operator.definitions.CloneSet;
import io.guestnode.operator.definitions.ColocationRule;
import io.guestnode.operator.definitions.OrderRule;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.definitions.VmResource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What one host of several plans: the guests it holds the claims of, and the services of each part of the cluster
 * ({@link PlanShards}) whose lead guest (the part's first guest node in the definitions) it holds. Every service thus
 * belongs to exactly one host at a time, the one running its lead guest; it is placed only on guests of that host
 * (location rules naming guests held elsewhere are left out), so two hosts never both decide to run it. A part whose
 * services may float over guests held by several hosts runs them on its lead's host. No I/O.
 */
public final class HostShare {
    private HostShare() {
    }

    /** The definitions for the host that holds the claims of {@code held} (guest node names). */
    public static Definitions of(Definitions all, Set<String> held) {
        List<VmResource> vms = new ArrayList<>();
        List<Service> services = new ArrayList<>();
        List<Group> groups = new ArrayList<>();
        List<LocationRule> locations = new ArrayList<>();
        List<OrderRule> orders = new ArrayList<>();
        Set<String> guests = Set.copyOf(all.guestNodes());
        for (PlanShards.Shard s : PlanShards.of(all).shards()) {
            Definitions part = s.defs();
            part.vms().stream().filter(v -> held.contains(v.node())).forEach(vms::add);
            if (part.vms().isEmpty() || !held.contains(part.vms().get(0).node())) {
                continue;
            }
            services.addAll(part.services());
            groups.addAll(part.groups());
            part.locations().stream().filter(l -> !guests.contains(l.node()) || held.contains(l.node()))
                    .forEach(locations::add);
            orders.addAll(part.orders());
        }
        Set<String> kept = new HashSet<>();
        vms.forEach(v -> {
            kept.add(v.id());
            kept.add(v.node());
        });
        services.forEach(x -> kept.add(x.id()));
        groups.forEach(g -> kept.add(g.id()));
        List<OrderRule> within = orders.stream().filter(o -> kept.contains(o.first()) && kept.contains(o.then()))
                .distinct().toList();
        List<ColocationRule> tied = all.colocations().stream().filter(c -> kept.contains(c.resource())
                && kept.contains(c.withResource())).toList();
        List<CloneSet> cloned = all.clones().stream().filter(c -> kept.contains(c.child())).toList();
        return new Definitions(all.hostNode(), order(all.vms(), vms), order(all.services(), services),
                order(all.groups(), groups), order(all.locations(), locations), order(all.orders(), within),
                all.otherNodes(), -1, tied, cloned);
    }

    /**
     * The lead guest of the part of the cluster that places {@code resource} (a service, group or clone): the host
     * that runs it decides where the resource runs, among its own guests. Empty when the part has no guest node.
     */
    public static java.util.Optional<String> leadGuest(Definitions all, String resource) {
        String unit = all.clone(resource).map(CloneSet::child).orElse(resource);
        for (PlanShards.Shard s : PlanShards.of(all).shards()) {
            Definitions part = s.defs();
            boolean here = part.services().stream().anyMatch(x -> x.id().equals(unit))
                    || part.groups().stream().anyMatch(g -> g.id().equals(unit));
            if (here) {
                return part.vms().isEmpty() ? java.util.Optional.empty()
                        : java.util.Optional.of(part.vms().get(0).node());
            }
        }
        return java.util.Optional.empty();
    }

    /** {@code some} in the order of {@code all}. */
    private static <T> List<T> order(List<T> all, List<T> some) {
        Set<T> in = new HashSet<>(some);
        return all.stream().filter(in::contains).toList();
    }
}
