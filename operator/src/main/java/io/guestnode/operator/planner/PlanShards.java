package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.Group;
import io.guestnode.operator.definitions.LocationRule;
import io.guestnode.operator.definitions.OrderRule;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.definitions.VmResource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The parts of a cluster that a plan can decide apart: guest nodes together with the services that prefer them
 * (a positive location score) and what mandatory orders and colocations tie to those. A part is planned on its own, and a settled
 * part's answer is kept until one of its resources changes ({@link IncrementalPlanner}); that is why one event among
 * thousands of guests costs what its own part costs.
 *
 * <p>When a service prefers no guest node, every guest node may take it, and nothing stands alone: then the whole
 * cluster is one part. The same happens at plan time when a part turns out to depend on another
 * ({@link PlanContext#entangled()}).
 */
final class PlanShards {
    /** One part: its definitions (a subset of the whole, in the same order) and its guest nodes. */
    record Shard(int index, Definitions defs, Set<String> nodes) {
    }

    private final Definitions whole;
    private final List<Shard> shards;
    private final Map<String, Integer> byNode = new HashMap<>();
    private final Map<String, Integer> byResource = new HashMap<>();
    private final Map<String, Integer> serviceOrder = new HashMap<>();
    private final Map<String, Integer> guestOrder = new HashMap<>();

    private PlanShards(Definitions whole, List<List<Integer>> parts, Map<String, Integer> unitPart) {
        this.whole = whole;
        List<VmResource> vms = whole.vms();
        for (int i = 0; i < vms.size(); i++) {
            guestOrder.put(vms.get(i).node(), i);
        }
        for (int i = 0; i < whole.services().size(); i++) {
            serviceOrder.put(whole.services().get(i).id(), i);
        }
        List<Shard> out = new ArrayList<>();
        for (List<Integer> guests : parts) {
            int index = out.size();
            guests.forEach(g -> byNode.put(vms.get(g).node(), index));
            out.add(null);
        }
        unitPart.forEach((unit, part) -> byResource.put(unit, part));
        for (Service s : whole.services()) {
            byResource.put(s.id(), unitPart.get(s.group().orElse(s.id())));
        }
        for (VmResource v : vms) {
            byResource.put(v.id(), byNode.get(v.node()));
            byResource.put(v.node(), byNode.get(v.node()));
        }
        // a clone is where what it holds is (its constraints name the clone)
        whole.clones().forEach(c -> byResource.put(c.id(), byResource.get(c.child())));
        List<Definitions> defs = restrict(parts.size());
        for (int i = 0; i < out.size(); i++) {
            out.set(i, new Shard(i, defs.get(i), Set.copyOf(parts.get(i).stream().map(g -> vms.get(g).node())
                    .toList())));
        }
        this.shards = List.copyOf(out);
    }

    /** The whole cluster as one part. */
    static PlanShards single(Definitions d) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < d.vms().size(); i++) {
            all.add(i);
        }
        Map<String, Integer> units = new HashMap<>();
        d.services().forEach(s -> units.put(s.group().orElse(s.id()), 0));
        d.groups().forEach(g -> units.put(g.id(), 0));
        return new PlanShards(d, List.of(all), units);
    }

    /** The parts of {@code d}, in the order of their first guest node; one part when nothing stands alone. */
    static PlanShards of(Definitions d) {
        if (!d.clones().isEmpty()) {
            return single(d); // a clone runs in many guest nodes: everything is planned together
        }
        List<VmResource> vms = d.vms();
        Map<String, Integer> nodeIndex = new HashMap<>();
        Map<String, Integer> vmIndex = new HashMap<>();
        for (int i = 0; i < vms.size(); i++) {
            nodeIndex.put(vms.get(i).node(), i);
            vmIndex.put(vms.get(i).id(), i);
        }
        Map<String, String> unitOf = new HashMap<>();
        d.services().forEach(s -> unitOf.put(s.id(), s.group().orElse(s.id())));
        d.groups().forEach(g -> unitOf.put(g.id(), g.id()));
        Map<String, Integer> unitIndex = new HashMap<>();
        for (String u : unitOf.values()) {
            unitIndex.putIfAbsent(u, vms.size() + unitIndex.size());
        }
        UnionFind uf = new UnionFind(vms.size() + unitIndex.size());
        boolean[] pinned = new boolean[unitIndex.size()];
        for (LocationRule l : d.locations()) {
            String unit = unitOf.get(l.resource());
            Integer node = nodeIndex.get(l.node());
            if (unit != null && node != null && l.score().value() > 0) {
                uf.union(unitIndex.get(unit), node);
                pinned[unitIndex.get(unit) - vms.size()] = true;
            }
        }
        for (boolean p : pinned) {
            if (!p) {
                return single(d);
            }
        }
        for (OrderRule r : d.orders()) {
            union(uf, end(r.first(), unitOf, unitIndex, vmIndex, nodeIndex),
                    end(r.then(), unitOf, unitIndex, vmIndex, nodeIndex));
        }
        // a colocation places one unit by where the other goes: both in one part
        for (var c : d.colocations()) {
            union(uf, end(c.resource(), unitOf, unitIndex, vmIndex, nodeIndex),
                    end(c.withResource(), unitOf, unitIndex, vmIndex, nodeIndex));
        }
        Map<Integer, Integer> partOfRoot = new HashMap<>();
        List<List<Integer>> parts = new ArrayList<>();
        for (int g = 0; g < vms.size(); g++) {
            int root = uf.find(g);
            Integer part = partOfRoot.get(root);
            if (part == null) {
                part = parts.size();
                partOfRoot.put(root, part);
                parts.add(new ArrayList<>());
            }
            parts.get(part).add(g);
        }
        Map<String, Integer> unitPart = new HashMap<>();
        unitIndex.forEach((u, i) -> unitPart.put(u, partOfRoot.get(uf.find(i))));
        return new PlanShards(d, parts, unitPart);
    }

    private static void union(UnionFind uf, Integer a, Integer b) {
        if (a != null && b != null) {
            uf.union(a, b);
        }
    }

    /** What an order's end stands for: a service's or group's unit, or a VM resource's or guest node's node. */
    private static Integer end(String id, Map<String, String> unitOf, Map<String, Integer> unitIndex,
                               Map<String, Integer> vmIndex, Map<String, Integer> nodeIndex) {
        String unit = unitOf.get(id);
        if (unit != null) {
            return unitIndex.get(unit);
        }
        Integer vm = vmIndex.get(id);
        return vm != null ? vm : nodeIndex.get(id);
    }

    /** Each part's definitions, in one pass over each list of the whole. */
    private List<Definitions> restrict(int count) {
        List<Bucket> buckets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            buckets.add(new Bucket());
        }
        whole.vms().forEach(v -> buckets.get(byNode.get(v.node())).vms.add(v));
        whole.services().forEach(x -> buckets.get(byResource.get(x.id())).services.add(x));
        whole.groups().forEach(g -> into(buckets, g.id(), b -> b.groups.add(g)));
        whole.locations().forEach(l -> into(buckets, l.resource(), b -> b.locations.add(l)));
        for (OrderRule r : whole.orders()) {
            Integer a = byResource.get(r.first());
            Integer b = byResource.get(r.then());
            if (a != null) {
                buckets.get(a).orders.add(r);
            }
            if (b != null && !b.equals(a)) {
                buckets.get(b).orders.add(r);
            }
        }
        whole.colocations().forEach(c -> into(buckets, c.resource(), b -> b.colocations.add(c)));
        return buckets.stream().map(b -> new Definitions(whole.hostNode(), b.vms, b.services, b.groups, b.locations,
                b.orders, whole.otherNodes(), -1, b.colocations, whole.clones())).toList();
    }

    private void into(List<Bucket> buckets, String resource, java.util.function.Consumer<Bucket> add) {
        Integer p = byResource.get(resource);
        if (p != null) {
            add.accept(buckets.get(p));
        }
    }

    private static final class Bucket {
        final List<VmResource> vms = new ArrayList<>();
        final List<Service> services = new ArrayList<>();
        final List<Group> groups = new ArrayList<>();
        final List<LocationRule> locations = new ArrayList<>();
        final List<OrderRule> orders = new ArrayList<>();
        final List<io.guestnode.operator.definitions.ColocationRule> colocations = new ArrayList<>();
    }

    Definitions whole() {
        return whole;
    }

    List<Shard> shards() {
        return shards;
    }

    /** Whether the cluster is planned as one part. */
    boolean single() {
        return shards.size() <= 1;
    }

    /** The part a guest node or a resource (VM resource, service, group, connection resource) belongs to. */
    Integer partOf(String nodeOrResource) {
        Integer p = byNode.get(nodeOrResource);
        return p != null ? p : byResource.get(nodeOrResource);
    }

    /** Whether {@code node} is a guest node of a part other than {@code part}. */
    boolean elsewhere(String node, int part) {
        Integer p = byNode.get(node);
        return p != null && p != part;
    }

    /**
     * The actions of several parts in the order one plan of the whole would give them: probes by service, then the
     * services' actions by service, then the guest nodes' actions by guest node.
     */
    List<Action> inOrder(List<Action> actions) {
        TreeMap<Long, List<Action>> byKey = new TreeMap<>();
        for (Action a : actions) {
            byKey.computeIfAbsent(orderKey(a), k -> new ArrayList<>()).add(a);
        }
        List<Action> out = new ArrayList<>(actions.size());
        byKey.values().forEach(out::addAll);
        return out;
    }

    private long orderKey(Action a) {
        return switch (a) {
            case Action.Probe p -> serviceOrder.getOrDefault(p.service(), Integer.MAX_VALUE);
            case Action.OnService s -> (1L << 32) + serviceOrder.getOrDefault(s.service(), Integer.MAX_VALUE);
            default -> (2L << 32) + guestOrder.getOrDefault(a.lane(), Integer.MAX_VALUE);
        };
    }

    private static final class UnionFind {
        private final int[] parent;

        UnionFind(int n) {
            parent = new int[n];
            for (int i = 0; i < n; i++) {
                parent[i] = i;
            }
        }

        int find(int x) {
            while (parent[x] != x) {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            return x;
        }

        void union(int a, int b) {
            parent[find(a)] = find(b);
        }
    }
}
