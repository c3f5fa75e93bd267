package io.guestnode.operator.simulate;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.OrderRule;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.Action;
import io.guestnode.operator.planner.Observed.Connection;
import io.guestnode.operator.planner.Observed.Vm;
import io.guestnode.operator.planner.Observed.VmStatus;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.Overrides;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The starts Pacemaker lists as "blocked": it assigns a service to a guest node but cannot start it there, because
 * that guest's VM is disabled ("due to unrunnable guest1 start") or because a mandatory predecessor runs nowhere
 * ("due to unrunnable rsc5 start", "grp1 running"). guestnode does not assign what cannot start; to print what
 * Pacemaker prints, the outcome of a simulation is simulated again with those obstacles lifted (the disabled guests
 * up, the orders whose first runs nowhere dropped), and a service that stays stopped in the first but starts in the
 * second is listed, with the obstacle that held it back. Nothing of this second run is carried out.
 */
final class BlockedStarts {
    private BlockedStarts() {
    }

    /** A start that cannot happen: where it would go and why it does not. */
    record Blocked(String node, String reason) {
    }

    static Map<String, Blocked> of(Definitions d, Overrides o, Simulation sim, Instant now) {
        ObservedState after = sim.after();
        Set<String> active = after.services().entrySet().stream().filter(e -> e.getValue().active())
                .map(e -> e.getKey().resource()).collect(Collectors.toSet());
        List<String> liftedGuests = new ArrayList<>();
        ObservedState.Mutable m = after.edit();
        Overrides lifted = o;
        for (VmResource v : d.vms()) {
            boolean disabled = meta(o, v.id(), v.meta().targetRole()) == TargetRole.STOPPED;
            if (disabled && v.meta().actionable() && after.vm(v.id()).status() == VmStatus.STOPPED) {
                liftedGuests.add(v.node());
                lifted = lifted.withTargetRole(v.id(), TargetRole.STARTED);
                m.vms.put(v.id(), new Vm(VmStatus.RUNNING, "assumed up", now));
                m.connections.put(v.node(), new Connection(true, now));
            }
        }
        List<OrderRule> dropped = d.orders().stream().filter(r -> r.kind() == OrderRule.Kind.MANDATORY
                && runsNowhere(d, r.first(), active)).toList();
        if (liftedGuests.isEmpty() && dropped.isEmpty()) {
            return Map.of();
        }
        List<OrderRule> kept = d.orders().stream().filter(r -> !dropped.contains(r)).toList();
        Definitions relaxed = new Definitions(d.hostNode(), d.vms(), d.services(), d.groups(), d.locations(), kept,
                d.otherNodes(), d.migrationLimit(), d.colocations(), d.clones());
        Simulation second = Simulation.run(relaxed, m.done(), lifted, now);
        Map<String, Blocked> out = new LinkedHashMap<>();
        for (Action a : second.actions()) {
            if (!(a instanceof Action.StartService s) || active.contains(s.service()) || wasActive(sim, s.service())
                    || CloneInstances.cloned(d, s.service()) || laterMember(d, s.service())) {
                continue;
            }
            Optional<String> why = liftedGuests.contains(s.node()) ? Optional.of(s.node() + " start")
                    : predecessor(d, s.service(), dropped);
            // a guest fenced in this transition: Pacemaker names no reason
            boolean fenced = sim.actions().stream().anyMatch(x -> x instanceof Action.Fence f
                    && f.node().equals(s.node()));
            why.ifPresent(w -> out.putIfAbsent(s.service(), new Blocked(s.node(), fenced ? "blocked"
                    : "due to unrunnable " + w + " (blocked)")));
        }
        // what must run with a blocked start is not assigned at all: Pacemaker lists nothing for it
        out.keySet().removeIf(svc -> withBlocked(d, svc, out.keySet()));
        return out;
    }

    /** A group's member after its first: Pacemaker lists only the first member's blocked start. */
    private static boolean laterMember(Definitions d, String svc) {
        return d.service(svc).flatMap(Service::group).flatMap(d::group)
                .map(g -> !g.members().getFirst().equals(svc)).orElse(false);
    }

    /** Whether {@code svc} (or its group) must run with (an INFINITY colocation) a service in {@code blocked}. */
    private static boolean withBlocked(Definitions d, String svc, Set<String> blocked) {
        String unit = d.service(svc).flatMap(Service::group).orElse(svc);
        return d.colocations().stream().anyMatch(c -> c.resource().equals(unit) && c.mandatory()
                && memberIn(d, c.withResource(), blocked));
    }

    private static boolean memberIn(Definitions d, String r, Set<String> services) {
        return d.group(r).map(g -> g.members().stream().anyMatch(services::contains)).orElse(services.contains(r));
    }

    private static TargetRole meta(Overrides o, String id, TargetRole configured) {
        return o.targetRoles().getOrDefault(id, configured);
    }

    /** Whether a service, or every member of a group or clone, is active nowhere at the end of the simulation. */
    private static boolean runsNowhere(Definitions d, String r, Set<String> active) {
        List<String> members = d.group(r).map(g -> g.members())
                .or(() -> d.clone(r).map(c -> CloneStatus.members(d, c)))
                .orElse(List.of(r));
        return members.stream().noneMatch(active::contains);
    }

    private static boolean wasActive(Simulation sim, String svc) {
        return sim.before().services().entrySet().stream().anyMatch(e -> e.getKey().resource().equals(svc)
                && e.getValue().active());
    }

    /**
     * The dropped order that held {@code svc} (or its group) back, the last one declared as Pacemaker names it:
     * "rsc5 start", or "grp1 running" for a group.
     */
    private static Optional<String> predecessor(Definitions d, String svc, List<OrderRule> dropped) {
        String unit = d.service(svc).flatMap(Service::group).orElse(svc);
        return dropped.stream().filter(r -> r.then().equals(svc) || r.then().equals(unit)).reduce((a, b) -> b)
                .map(r -> r.first() + (d.group(r.first()).isPresent() || d.clone(r.first()).isPresent()
                        ? " running" : " start"));
    }
}
