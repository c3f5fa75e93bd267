package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.CloneSet;
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
import java.util.function.Predicate;

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

    // Indexes built once per plan, from the definitions it covers, so that planning stays linear in their size.
    final Map<String, Service> svcById = new HashMap<>();
    final Map<String, Group> groupById = new HashMap<>();
    final Map<String, List<LocationRule>> locByResource = new HashMap<>();
    final Map<String, Map<String, Observed.Service>> stateBySvc = new HashMap<>();
    final Map<String, List<Map.Entry<ResourceNode, Failure>>> failuresByRes = new HashMap<>();
    final Map<String, VmResource> vmByNode = new HashMap<>();
    final Colocations colocations;
    final Map<String, CloneSet> cloneById = new HashMap<>();
    /** The clone that holds each cloned service or group. */
    final Map<String, String> cloneOfChild = new HashMap<>();

    /** What this plan may still begin under the host's limits, shared with the other parts of the same plan. */
    final Budgets budgets;
    /**
     * Whether this part's answer may change with no event on it: it acted, waits for a time or a limit, or has guest
     * nodes on their way up or down. A settled part ({@code false}) may be reused until one of its resources changes.
     */
    private boolean unsettled;
    /**
     * Whether this part of the plan is not independent of the others: a service may be placed outside its guest
     * nodes (none of its preferred ones can take it), or is known active in a guest node of another part.
     */
    private boolean entangled;

    /**
     * @param elsewhere whether a node is a guest node of another part of the plan: a service known active there
     *                  entangles this part with that one
     */
    PlanContext(Definitions d, ObservedState s, Overrides o, HostPolicy policy, Budgets budgets, Instant now,
                Predicate<String> elsewhere) {
        this.d = d;
        this.s = s;
        this.o = o;
        this.policy = policy;
        this.budgets = budgets;
        this.now = now;
        this.colocations = new Colocations(d.colocations());
        d.clones().forEach(c -> {
            cloneById.put(c.id(), c);
            cloneOfChild.put(c.child(), c.id());
        });
        d.services().forEach(x -> svcById.put(x.id(), x));
        d.vms().forEach(v -> vmByNode.put(v.node(), v));
        d.groups().forEach(g -> groupById.put(g.id(), g));
        d.locations().forEach(l -> locByResource.computeIfAbsent(l.resource(), k -> new ArrayList<>()).add(l));
        for (Service x : d.services()) {
            Map<String, Observed.Service> byNode = new HashMap<>();
            s.servicesOf(x.id()).forEach((k, v) -> {
                byNode.put(k.node(), v);
                if (v.status() != ServiceStatus.STOPPED && elsewhere.test(k.node())) {
                    entangled = true;
                }
            });
            if (!byNode.isEmpty()) {
                stateBySvc.put(x.id(), byNode);
            }
            var failed = s.failuresOf(x.id());
            if (!failed.isEmpty()) {
                failuresByRes.put(x.id(), new ArrayList<>(failed.entrySet()));
            }
        }
    }

    void unsettle() {
        unsettled = true;
    }

    /** A unit is placed among every guest node, none it prefers being able to take it. */
    void entangle() {
        entangled = true;
    }

    boolean settled() {
        return !unsettled && actions.isEmpty() && coming.isEmpty() && leaving.isEmpty();
    }

    boolean entangled() {
        return entangled;
    }

    /** The plan built so far. */
    Plan plan() {
        return new Plan(actions, Optional.ofNullable(wake), notes);
    }

    void wakeAt(Instant t) {
        unsettled = true;
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

    /** Whether a service runs in {@code g}, or was stopped there to start again there (restart, recovery). */
    boolean holdsPlace(String svc, String g) {
        Observed.Service x = stateOf(svc).get(g);
        return x != null && (x.status() == ServiceStatus.RUNNING
                || (x.status() == ServiceStatus.STOPPED && x.restarting()));
    }

    boolean running(String svc, String g) {
        Observed.Service x = stateOf(svc).get(g);
        return x != null && x.status() == ServiceStatus.RUNNING;
    }

    /** What is placed as a whole: the service, its group, or the clone that holds either. */
    String placementUnit(Service svc) {
        String unit = svc.group().orElse(svc.id());
        String clone = cloneOfChild.get(unit);
        return clone == null ? unit : clone;
    }

    List<Service> members(String unit) {
        CloneSet clone = cloneById.get(unit);
        if (clone != null) {
            unit = clone.child();
        }
        Group g = groupById.get(unit);
        if (g != null) {
            return g.members().stream().map(svcById::get).toList();
        }
        Service one = svcById.get(unit);
        return one == null ? List.of() : List.of(one);
    }
}
