package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.OrderRule;
import io.guestnode.operator.definitions.ResourceMeta;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.planner.Observed.Failure;
import io.guestnode.operator.planner.Observed.ServiceStatus;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a service depends on, as Pacemaker's groups and mandatory orders make it: whether what it follows is down
 * (disabled, stopped, failed and recovered, moving), so that it stops first and starts again after it; clones
 * ordered first count instance by instance where they interleave, or beside a service or group that follows them.
 */
final class ServiceDependencies {
    private final PlanContext ctx;
    private final ObservedState s;
    private final ServicePlacement placement;
    private final Set<String> leaving;

    ServiceDependencies(PlanContext ctx, ServicePlacement placement) {
        this.ctx = ctx;
        this.s = ctx.s;
        this.placement = placement;
        this.leaving = ctx.leaving;
    }

    /** Whether an order is between two clones and its "then" interleaves: instance waits for instance, node by node. */
    boolean interleaved(OrderRule r, String thenUnit) {
        var then = ctx.cloneById.get(thenUnit);
        return then != null && then.interleave() && ctx.cloneById.containsKey(r.first());
    }

    /**
     * Whether what follows a clone in an order restarts only with the clone's instance in its own guest node: an
     * interleaving clone, or a service or group (which Pacemaker restarts for the instance beside it, not for one
     * recovered in another guest node).
     */
    boolean local(OrderRule r, String thenUnit) {
        return interleaved(r, thenUnit) || (ctx.cloneById.containsKey(r.first()) && !ctx.cloneById.containsKey(thenUnit));
    }

    /**
     * What {@code svc} depends on that is disabled, known not to run, failed and is recovered, moving to another
     * guest node, or itself depends on such: an earlier member of its group in {@code g}, or the first of a mandatory order constraint, anywhere (not
     * yet probed is not known). What depends on a resource stops while it is
     * down and restarts with it, as in Pacemaker.
     */
    java.util.Optional<String> recoveredFirst(Service svc, String g) {
        return recoveredFirst(svc, g, new HashSet<>());
    }

    private java.util.Optional<String> recoveredFirst(Service svc, String g, Set<String> seen) {
        if (!seen.add(svc.id() + "@" + g)) {
            return java.util.Optional.empty();
        }
        String unit = ctx.placementUnit(svc);
        List<Service> ms = ctx.members(unit);
        int index = ms.indexOf(svc);
        for (int i = 0; i < index; i++) {
            Service before = ms.get(i);
            Observed.Service st = ctx.stateOf(before.id()).get(g);
            if (recovering(before.id(), g) || (st != null && !st.active()) || disabled(before)
                    || (i > 0 && placement.memberBanned(before, g))
                    || recoveredFirst(before, g, seen).isPresent()) {
                return java.util.Optional.of(before.id());
            }
        }
        for (OrderRule r : ctx.d.orders()) {
            if (r.kind() != OrderRule.Kind.MANDATORY || !(r.then().equals(svc.id()) || (r.then().equals(unit)
                    && index == 0))) {
                continue;
            }
            Service first = ctx.svcById.get(r.first());
            String firstUnit = first == null ? r.first() : ctx.placementUnit(first);
            for (Service f : ctx.members(firstUnit)) {
                if (local(r, unit) ? recoveredHere(f, firstUnit, g, seen) : disabled(f)
                        || ctx.stateOf(f.id()).keySet().stream().anyMatch(n -> recovering(f.id(), n) || moving(f, n))
                        || (!ctx.stateOf(f.id()).isEmpty() && ctx.stateOf(f.id()).values().stream()
                        .noneMatch(Observed.Service::active))
                        || ctx.stateOf(f.id()).entrySet().stream().anyMatch(e -> e.getValue().active()
                        && recoveredFirst(f, e.getKey(), seen).isPresent())) {
                    return java.util.Optional.of(f.id());
                }
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * Whether the instance of clone member {@code f} in guest node {@code g} is down for what follows it there: it
     * is disabled, recovered or moving away, or should run there and does not (no instance there otherwise: nothing
     * to wait for).
     */
    private boolean recoveredHere(Service f, String cloneUnit, String g, Set<String> seen) {
        Observed.Service here = ctx.stateOf(f.id()).get(g);
        boolean placedHere = placement.targetsOf(cloneUnit).contains(g);
        return disabled(f) || (here != null && (recovering(f.id(), g) || moving(f, g)))
                || (placedHere && (here == null || !here.active()))
                || (here != null && here.active() && recoveredFirst(f, g, seen).isPresent());
    }

    /**
     * Whether a managed service is to stay stopped: disabled (target-role Stopped, itself or through an override),
     * or stopped after a failure whose on-fail is stop. An unmanaged one is left as it is, running or not.
     */
    boolean disabled(Service svc) {
        ResourceMeta meta = ctx.meta(svc.id(), svc.meta());
        return meta.actionable() && (meta.targetRole() == TargetRole.STOPPED
                || placement.stoppedAfterFailure(List.of(svc)));
    }

    /** Whether {@code svc} runs in {@code g} and is to leave it: placed elsewhere, or {@code g} is going down. */
    boolean moving(Service svc, String g) {
        Observed.Service st = ctx.stateOf(svc.id()).get(g);
        if (st == null || st.status() != ServiceStatus.RUNNING) {
            return false;
        }
        Set<String> targets = placement.targetsOf(ctx.placementUnit(svc));
        return !targets.isEmpty() && (!targets.contains(g) || leaving.contains(g));
    }

    /**
     * Whether {@code id} failed in {@code g} and cannot be counted on there: it is recovered, or blocked (what
     * depends on it stops, as Pacemaker stops what follows a first whose start cannot run); a failure whose on-fail
     * is ignore leaves it running.
     */
    boolean recovering(String id, String g) {
        Observed.Service st = ctx.stateOf(id).get(g);
        Service svc = ctx.svcById.get(id);
        if (st == null || st.status() != ServiceStatus.FAILED
                || (svc != null && !ctx.meta(id, svc.meta()).actionable())) {
            return false; // an unmanaged service is left as it is, failed or not
        }
        return !s.failure(id, g).map(Failure::onFail).orElse("restart").equals("ignore");
    }
}
