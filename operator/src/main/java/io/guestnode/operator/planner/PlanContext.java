package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.Group;
import io.guestnode.operator.definitions.LocationRule;
import io.guestnode.operator.definitions.ResourceMeta;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.Observed.Failure;
import io.guestnode.operator.planner.Observed.ServiceStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One plan's context, shared by the guest node and the service halves of the planner: the inputs, the indexes
 * built once from them, how the guest nodes were classified, and the plan being built (actions, notes, wake time).
 */
final class PlanContext {
    final Definitions d;
    final ObservedState s;
    final Overrides o;
    final HostPolicy policy;
    final Instant now;

    final List<Action> actions = new ArrayList<>();
    final Map<String, String> notes = new TreeMap<>();
    private Instant wake;

    /** Guest nodes where services may run now: connection up, clean, wanted, nothing in flight on them. */
    final Set<String> online = new HashSet<>();
    /** Guest nodes that are going down: their services must stop first. */
    final Set<String> leaving = new HashSet<>();
    /**
     * Guest nodes on their way up (starting, connecting, being recovered): services may be placed there and
     * wait for them, as Pacemaker places them on a guest that the same transition brings back.
     */
    final Set<String> coming = new HashSet<>();

    // Indexes built once per plan, so that planning stays linear in the size of the definitions.
    final Map<String, Service> svcById = new HashMap<>();
    final Map<String, Group> groupById = new HashMap<>();
    final Map<String, List<LocationRule>> locByResource = new HashMap<>();
    final Map<String, Map<String, Observed.Service>> stateBySvc = new HashMap<>();
    final Map<String, List<Map.Entry<ResourceNode, Failure>>> failuresByRes = new HashMap<>();
    final Set<String> nodesWithActive = new HashSet<>();
    final Map<String, VmResource> vmByNode = new HashMap<>();

    PlanContext(Definitions d, ObservedState s, Overrides o, HostPolicy policy, Instant now) {
        this.d = d;
        this.s = s;
        this.o = o;
        this.policy = policy;
        this.now = now;
        d.services().forEach(x -> svcById.put(x.id(), x));
        d.vms().forEach(v -> vmByNode.put(v.node(), v));
        d.groups().forEach(g -> groupById.put(g.id(), g));
        d.locations().forEach(l -> locByResource.computeIfAbsent(l.resource(), k -> new ArrayList<>()).add(l));
        s.services().forEach((k, v) -> {
            stateBySvc.computeIfAbsent(k.resource(), x -> new HashMap<>()).put(k.node(), v);
            if (v.active()) {
                nodesWithActive.add(k.node());
            }
        });
        s.failures().entrySet().forEach(e -> failuresByRes.computeIfAbsent(e.getKey().resource(),
                k -> new ArrayList<>()).add(e));
    }

    /** The plan built so far. */
    Plan plan() {
        return new Plan(actions, Optional.ofNullable(wake), notes);
    }

    void wakeAt(Instant t) {
        if (t.isAfter(now) && (wake == null || t.isBefore(wake))) {
            wake = t;
        }
    }

    /** Wakes the plan when the failure of {@code resource} on {@code node} expires, if it does. */
    void failureExpiry(String resource, String node, ResourceMeta m) {
        if (!m.failureTimeout().isZero()) {
            s.failure(resource, node).ifPresent(f -> wakeAt(f.last().plus(m.failureTimeout())));
        }
    }

    /** A resource's meta attributes, with the target role an operator set in the overrides. */
    ResourceMeta meta(String id, ResourceMeta m) {
        TargetRole r = o.targetRoles().get(id);
        return r == null ? m : m.withTargetRole(r);
    }

    Map<String, Observed.Service> stateOf(String svc) {
        return stateBySvc.getOrDefault(svc, Map.of());
    }

    boolean running(String svc, String g) {
        Observed.Service x = stateOf(svc).get(g);
        return x != null && x.status() == ServiceStatus.RUNNING;
    }

    String placementUnit(Service svc) {
        return svc.group().orElse(svc.id());
    }

    List<Service> members(String unit) {
        Group g = groupById.get(unit);
        if (g != null) {
            return g.members().stream().map(svcById::get).toList();
        }
        Service one = svcById.get(unit);
        return one == null ? List.of() : List.of(one);
    }
}
