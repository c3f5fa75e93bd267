package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.OpDef;
import io.guestnode.operator.definitions.OrderRule;
import io.guestnode.operator.definitions.ResourceMeta;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.Observed.Failure;
import io.guestnode.operator.planner.Observed.ServiceStatus;
import io.guestnode.operator.planner.Observed.VmStatus;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The service half of a plan, against the guest nodes as the guest node half classified them: probes, placement,
 * stops (of what should not run, or runs on a guest that is leaving), recoveries, starts in order, monitors.
 */
final class ServicePlanner {
    private final PlanContext ctx;
    private final ObservedState s;
    private final Map<String, String> notes;
    private final List<Action> actions;
    private final Set<String> online;
    private final Set<String> leaving;
    /** Online and coming guest nodes: where services may be placed; fixed once the guests are classified. */
    private final Set<String> pool;
    private final ServicePlacement placement;
    private final ServiceDependencies deps;

    ServicePlanner(PlanContext ctx) {
        this.ctx = ctx;
        this.s = ctx.s;
        this.notes = ctx.notes;
        this.actions = ctx.actions;
        this.online = ctx.online;
        this.leaving = ctx.leaving;
        this.pool = new HashSet<>(online);
        pool.addAll(ctx.coming);
        this.placement = new ServicePlacement(ctx, pool);
        this.deps = new ServiceDependencies(ctx, placement);
    }

    void plan() {
        Set<String> unknown = probes();
        placement.computeTargets(unknown);
        for (Service svc : ctx.d.services()) {
            service(svc, unknown.contains(svc.id()));
        }
    }

    /**
     * Probes first, on every online guest node the service may be placed on: nothing starts before its state is
     * known everywhere. Preference is judged among online and coming guest nodes alike, so that a service pinned
     * to a guest still coming up is not probed in every other guest online meanwhile.
     *
     * @return the services whose state is not known yet on some online guest node where they may be placed
     */
    private Set<String> probes() {
        Set<String> unknown = new HashSet<>();
        for (Service svc : ctx.d.services()) {
            Set<String> where = new TreeSet<>(placement.reachable(ctx.members(ctx.placementUnit(svc))));
            ctx.stateOf(svc.id()).forEach((g, st) -> {
                if (st.status() == ServiceStatus.UNVERIFIED) {
                    where.add(g);
                }
            });
            for (String g : where) {
                Observed.Service known = ctx.stateOf(svc.id()).get(g);
                if (online.contains(g) && (known == null || known.status() == ServiceStatus.UNVERIFIED)) {
                    unknown.add(svc.id());
                    if (!s.busy(Planner.key(svc.id(), g))) {
                        actions.add(new Action.Probe(svc.id(), g, "find out whether " + svc.id() + " runs in " + g));
                    }
                }
            }
        }
        return unknown;
    }

    private void service(Service svc, boolean unknownSomewhere) {
        String id = svc.id();
        ResourceMeta meta = ctx.meta(id, svc.meta());
        String unit = ctx.placementUnit(svc);
        Set<String> targets = new TreeSet<>(meta.targetRole() == TargetRole.STOPPED
                || placement.stoppedAfterFailure(List.of(svc)) ? Set.of() : placement.targetsOf(unit));
        for (String t : List.copyOf(targets)) {
            if (!unit.equals(id) && placement.memberBanned(svc, t)) {
                notes.put(id, "may not run in " + t + " after its failures there; what follows it in " + unit
                        + " stays stopped there too");
                targets.remove(t);
            }
        }
        if (meta.targetRole() == TargetRole.STOPPED) {
            notes.put(id, "disabled");
        }
        // Every guest node where it is (or may be) active, including guests that are leaving.
        for (Map.Entry<String, Observed.Service> e : new TreeMap<>(ctx.stateOf(id)).entrySet()) {
            String g = e.getKey();
            if (!online.contains(g) && !leaving.contains(g)) {
                continue;
            }
            if (!s.connection(g).usable()) {
                continue; // no session to act through: the guest node connects again first (or is fenced)
            }
            if (!meta.actionable()) {
                notes.put(id, "unmanaged: observed, never acted on");
                continue;
            }
            if (!s.busy(Planner.key(id, g))) {
                observedIn(svc, g, e.getValue(), targets);
            }
        }
        for (String target : targets) {
            if (!online.contains(target)) {
                notes.putIfAbsent(id, "waits for guest node " + target);
            } else if (!unknownSomewhere && meta.actionable() && mayStart(svc, unit, target)) {
                actions.add(new Action.StartService(id, target, "start " + id + " in " + target));
            }
        }
    }

    /** A service as observed on guest node {@code g}, where nothing is in flight on it: kept, recovered or stopped. */
    private void observedIn(Service svc, String g, Observed.Service obs, Set<String> targets) {
        switch (obs.status()) {
            case STOP_FAILED -> notes.put(svc.id(), "stop failed in " + g + "; " + g + " is fenced");
            // a failure whose on-fail is ignore leaves it running there: kept, moved or stopped as if running
            case FAILED -> {
                if (s.failure(svc.id(), g).map(f -> f.onFail().equals("ignore")).orElse(false)) {
                    runningIn(svc, g, obs, targets);
                } else {
                    failedIn(svc, g);
                }
            }
            case RUNNING -> runningIn(svc, g, obs, targets);
            default -> {
            }
        }
    }

    /** A service running in {@code g}: kept (with its monitors), restarted around what it depends on, or stopped. */
    private void runningIn(Service svc, String g, Observed.Service obs, Set<String> targets) {
        String id = svc.id();
        boolean stays = targets.contains(g) && !leaving.contains(g);
        // where the one copy of a service that is not a clone goes instead
        String target = targets.size() == 1 && !ctx.cloneById.containsKey(ctx.placementUnit(svc))
                ? targets.iterator().next() : null;
        java.util.Optional<String> recovered = stays ? deps.recoveredFirst(svc, g) : java.util.Optional.empty();
        if (recovered.isPresent()) {
            if (dependentsStopped(svc, g)) {
                actions.add(new Action.StopService(id, g, "restart " + id + " in " + g + ": it depends on "
                        + recovered.get() + ", which is recovered first", true));
            }
        } else if (!stays && target != null && !online.contains(target) && !leaving.contains(g)) {
            notes.put(id, "runs in " + g + " until " + target + " is online");
            monitors(svc, g, obs);
        } else if (!stays) {
            if (dependentsStopped(svc, g)) {
                actions.add(new Action.StopService(id, g, target == null || target.equals(g)
                        ? id + " should not run" + (leaving.contains(g) ? " (" + g + " is going down)" : "")
                        : "move " + id + " from " + g + " to " + target));
            }
        } else {
            monitors(svc, g, obs);
        }
    }

    /** A service that failed in {@code g}: blocked or recovered as its failure's on-fail says. */
    private void failedIn(Service svc, String g) {
        String id = svc.id();
        Failure f = s.failure(id, g).orElse(null);
        String policy = f == null ? "restart" : f.onFail();
        switch (policy) {
            case "block" -> notes.put(id, "blocked in " + g + " after a failed " + (f == null ? "operation"
                    : f.op()) + " (on-fail=block); clean up " + id + " to act again");
            default -> {
                if (dependentsStopped(svc, g)) {
                    actions.add(new Action.StopService(id, g, "recover " + id + " in " + g
                            + " after a failed " + (f == null ? "operation" : f.op()), true));
                }
            }
        }
    }

    /**
     * Whether a service not yet running at its target may start there: once it is known to run nowhere else and
     * its predecessors run.
     */
    private boolean mayStart(Service svc, String unit, String target) {
        String id = svc.id();
        Map<String, Observed.Service> known = ctx.stateOf(id);
        if (s.busy(Planner.key(id, target)) || (known.containsKey(target) && known.get(target).active())) {
            return false;
        }
        boolean clone = ctx.cloneById.containsKey(unit);
        if ((!clone && !stoppedElsewhere(svc, target)) || deps.recoveredFirst(svc, target).isPresent()) {
            return false;
        }
        List<Service> unitMembers = ctx.members(unit);
        int index = unitMembers.indexOf(svc);
        if (index > 0 && !ctx.running(unitMembers.get(index - 1).id(), target)) {
            return false;
        }
        for (OrderRule r : ctx.d.orders()) {
            if (r.kind() != OrderRule.Kind.MANDATORY) {
                continue;
            }
            boolean applies = r.then().equals(id) || (r.then().equals(unit) && index == 0)
                    || (index == 0 && clone && r.then().equals(ctx.cloneById.get(unit).child()));
            if (applies && !(deps.interleaved(r, unit) ? runningIn(r.first(), target) : anyRunning(r.first()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a service is known to run nowhere but {@code target} (a guest whose state is unknown counts only when
     * its VM is stopped, i.e. everything in it is stopped); noted when not.
     */
    private boolean stoppedElsewhere(Service svc, String target) {
        String id = svc.id();
        Map<String, Observed.Service> known = ctx.stateOf(id);
        for (Map.Entry<String, Observed.Service> e : known.entrySet()) {
            // an action on it in flight elsewhere (a start, a stop) may leave it running there: never two copies
            if (!e.getKey().equals(target) && (e.getValue().active() || s.busy(Planner.key(id, e.getKey())))) {
                notes.putIfAbsent(id, "waits until it has stopped in " + e.getKey());
                return false;
            }
        }
        for (String g : placement.mightRun(svc)) {
            if (g.equals(target) || known.containsKey(g)) {
                continue;
            }
            VmResource other = ctx.vmByNode.get(g);
            if (other != null && s.vm(other.id()).status() != VmStatus.STOPPED) {
                notes.putIfAbsent(id, "waits until its state in " + g + " is known");
                return false;
            }
        }
        return true;
    }

    /** Whether the last member of {@code resource} (a clone's, for a clone) runs in guest node {@code g}. */
    private boolean runningIn(String resource, String g) {
        List<Service> ms = ctx.members(resource);
        return !ms.isEmpty() && ctx.running(ms.get(ms.size() - 1).id(), g);
    }

    private boolean anyRunning(String resource) {
        Service one = ctx.svcById.get(resource);
        List<Service> ms = ctx.members(one == null ? resource : ctx.placementUnit(one));
        if (ms.isEmpty()) {
            return false;
        }
        String probe = ctx.groupById.containsKey(resource) || ctx.cloneById.containsKey(resource)
                ? ms.get(ms.size() - 1).id() : resource;
        return ctx.stateOf(probe).values().stream().anyMatch(x -> x.status() == ServiceStatus.RUNNING);
    }

    /** A service stops only after what depends on it: later group members and mandatory "then"s. */
    private boolean dependentsStopped(Service svc, String g) {
        String unit = ctx.placementUnit(svc);
        List<Service> ms = ctx.members(unit);
        int index = ms.indexOf(svc);
        for (int i = index + 1; i < ms.size(); i++) {
            Observed.Service x = ctx.stateOf(ms.get(i).id()).get(g);
            if (x != null && x.active()) {
                return false;
            }
        }
        for (OrderRule r : ctx.d.orders()) {
            if (r.kind() != OrderRule.Kind.MANDATORY || !r.symmetrical()) {
                continue;
            }
            if (r.first().equals(svc.id()) || (r.first().equals(unit) && index == ms.size() - 1)) {
                Service thenSvc = ctx.svcById.get(r.then());
                String thenUnit = thenSvc == null ? r.then() : ctx.placementUnit(thenSvc);
                boolean local = deps.local(r, thenUnit);
                for (Service t : ctx.members(thenUnit)) {
                    // interleaved clones: only the instance in the same guest node stops first
                    if (ctx.stateOf(t.id()).entrySet().stream().anyMatch(e -> e.getValue().active()
                            && (!local || e.getKey().equals(g)))) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private void monitors(Service svc, String g, Observed.Service obs) {
        for (OpDef op : svc.recurringMonitors()) {
            if (!obs.monitors().contains(op.interval().toMillis())) {
                actions.add(new Action.StartMonitor(svc.id(), g, op.interval(),
                        "watch " + svc.id() + " in " + g));
                return;
            }
        }
    }
}
