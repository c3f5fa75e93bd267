package io.guestnode.operator.definitions;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Everything declared, validated and immutable: the VM resources (each a guest node), the services that run in
 * guest nodes, groups and constraints. The host is a node too ({@code hostNode}), but services never run on it.
 * {@code migrationLimit} is Pacemaker's cluster option {@code migration-limit}: at most this many guests move from or
 * to one host at once (-1: no limit, the default). {@code colocations} tie services, groups and clones to each other;
 * {@code clones} run a service or a group in several guest nodes at once.
 */
public record Definitions(String hostNode, List<VmResource> vms, List<Service> services, List<Group> groups,
                          List<LocationRule> locations, List<OrderRule> orders, Set<String> otherNodes,
                          int migrationLimit, List<ColocationRule> colocations, List<CloneSet> clones) {

    public Definitions(String hostNode, List<VmResource> vms, List<Service> services, List<Group> groups,
                       List<LocationRule> locations, List<OrderRule> orders, Set<String> otherNodes) {
        this(hostNode, vms, services, groups, locations, orders, otherNodes, -1, List.of(), List.of());
    }

    public Definitions {
        vms = List.copyOf(vms);
        services = List.copyOf(services);
        groups = List.copyOf(groups);
        locations = List.copyOf(locations);
        orders = List.copyOf(orders);
        otherNodes = Set.copyOf(otherNodes);
        colocations = List.copyOf(colocations);
        clones = List.copyOf(clones);
    }

    /** The same definitions with other VM resources and services (constraints, groups and options kept). */
    public Definitions withResources(List<VmResource> newVms, List<Service> newServices) {
        return new Definitions(hostNode, newVms, newServices, groups, locations, orders, otherNodes, migrationLimit,
                colocations, clones);
    }

    /** The same definitions with these location constraints added after the declared ones. */
    public Definitions withLocations(List<LocationRule> more) {
        return new Definitions(hostNode, vms, services, groups, Stream.concat(locations.stream(), more.stream())
                .toList(), orders, otherNodes, migrationLimit, colocations, clones);
    }

    public static Definitions empty(String hostNode) {
        return new Definitions(hostNode, List.of(), List.of(), List.of(), List.of(), List.of(), Set.of());
    }

    public Optional<VmResource> vm(String id) {
        return vms.stream().filter(v -> v.id().equals(id)).findFirst();
    }

    public Optional<VmResource> vmOfNode(String node) {
        return vms.stream().filter(v -> v.node().equals(node)).findFirst();
    }

    public Optional<Service> service(String id) {
        return services.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    public Optional<Group> group(String id) {
        return groups.stream().filter(g -> g.id().equals(id)).findFirst();
    }

    /** The VM resources by guest node, built anew on each call: callers that look up many keep it. */
    public Map<String, VmResource> vmsByNode() {
        Map<String, VmResource> m = new HashMap<>();
        vms.forEach(v -> m.put(v.node(), v));
        return m;
    }

    public List<String> guestNodes() {
        return vms.stream().map(VmResource::node).toList();
    }

    /** Every resource id: VM resources, services, groups and clones. */
    public Stream<String> resourceIds() {
        return Stream.of(vms.stream().map(VmResource::id), services.stream().map(Service::id),
                groups.stream().map(Group::id), clones.stream().map(CloneSet::id)).flatMap(s -> s);
    }

    /** The clone that holds a service or group, if any. */
    public Optional<CloneSet> cloneOf(String child) {
        return clones.stream().filter(c -> c.child().equals(child)).findFirst();
    }

    /** The clone that holds a service, alone or with its group, if any. */
    public Optional<CloneSet> cloneHolding(String serviceId) {
        return service(serviceId).flatMap(s -> cloneOf(s.group().orElse(s.id())));
    }

    public Optional<CloneSet> clone(String id) {
        return clones.stream().filter(c -> c.id().equals(id)).findFirst();
    }
}
