package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.Group;
import io.guestnode.operator.definitions.LocationRule;
import io.guestnode.operator.definitions.OpDef;
import io.guestnode.operator.definitions.OrderRule;
import io.guestnode.operator.definitions.ResourceMeta;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.definitions.Score;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.Observed.Failure;
import io.guestnode.operator.planner.Observed.Guest;
import io.guestnode.operator.planner.Observed.ServiceStatus;
import io.guestnode.operator.planner.Observed.VmStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The heart of guestnode: a pure function from (definitions, observed state, overrides, now) to the actions
 * to start now. No I/O, no clock, no threads. It plans one step at a time: an action is proposed only when
 * everything it depends on is already observed, and a resource with an action in flight is left alone; the
 * control loop plans again after every event. What Pacemaker orders in a transition graph falls out of
 * that: VM, then connection, then probes, then services in order; services, then connection, then VM when
 * stopping.
 */
public final class Planner {
    /** How long a guest that announced its shutdown is awaited when its VM resource names no stop timeout. */
    static final Duration GUEST_SHUTDOWN_WAIT = Duration.ofSeconds(90);

    private Planner() {
    }

    public static Plan plan(Definitions d, ObservedState s, Overrides o, Instant now) {
        return plan(d, s, o, HostPolicy.DEFAULT, now);
    }

    public static Plan plan(Definitions d, ObservedState s, Overrides o, HostPolicy policy, Instant now) {
        PlanContext ctx = new PlanContext(d, s, o, policy, now);
        List<Runnable> guestSteps = new GuestNodePlanner(ctx).classify();
        new Run(ctx).services();
        guestSteps.forEach(Runnable::run);
        return ctx.plan();
    }

    /** Whether guestnode may act on a guest node: its VM resource is managed and it is not in maintenance. */
    public static boolean guestManaged(VmResource vm, Overrides o) {
        return vm.meta().actionable() && !o.hostMaintenance() && !o.maintenanceGuests().contains(vm.node());
    }

    /** Effective fail count: 0 once the failure is older than the resource's failure-timeout. */
    public static long failCount(ObservedState s, String resource, String node, ResourceMeta meta, Instant now) {
        Optional<Failure> f = s.failure(resource, node);
        if (f.isEmpty()) {
            return 0;
        }
        if (!meta.failureTimeout().isZero() && !now.isBefore(f.get().last().plus(meta.failureTimeout()))) {
            return 0;
        }
        return f.get().count();
    }

    /** The service half of a plan, on the context the guest node half has classified. */
    private static final class Run {
        final PlanContext ctx;
        final Definitions d;
        final ObservedState s;
        final Overrides o;
        final Instant now;
        final List<Action> actions;
        final Map<String, String> notes;
        final Set<String> online;
        final Set<String> leaving;
        final Set<String> coming;
        final Map<String, Service> svcById;
        final Map<String, Group> groupById;
        final Map<String, List<Map.Entry<ResourceNode, Failure>>> failuresByRes;
        final Map<String, VmResource> vmByNode;
        final Map<String, List<LocationRule>> locByResource;

        Run(PlanContext ctx) {
            this.ctx = ctx;
            d = ctx.d;
            s = ctx.s;
            o = ctx.o;
            now = ctx.now;
            actions = ctx.actions;
            notes = ctx.notes;
            online = ctx.online;
            leaving = ctx.leaving;
            coming = ctx.coming;
            svcById = ctx.svcById;
            groupById = ctx.groupById;
            failuresByRes = ctx.failuresByRes;
            vmByNode = ctx.vmByNode;
            locByResource = ctx.locByResource;
        }

        Map<String, Observed.Service> stateOf(String svc) {
            return ctx.stateOf(svc);
        }

        ResourceMeta meta(String id, ResourceMeta m) {
            return ctx.meta(id, m);
        }

        void failureExpiry(String resource, String node, ResourceMeta m) {
            ctx.failureExpiry(resource, node, m);
        }

        String placementUnit(Service svc) {
            return ctx.placementUnit(svc);
        }

        List<Service> members(String unit) {
            return ctx.members(unit);
        }

        boolean running(String svc, String g) {
            return ctx.running(svc, g);
        }

        /** Location rules of a service and of its group. */
        List<LocationRule> rulesOf(Service m) {
            List<LocationRule> own = locByResource.getOrDefault(m.id(), List.of());
            String unit = placementUnit(m);
            if (unit.equals(m.id())) {
                return own;
            }
            List<LocationRule> all = new ArrayList<>(own);
            all.addAll(locByResource.getOrDefault(unit, List.of()));
            return all;
        }

        /**
         * The guest nodes a unit may be placed on among {@code pool}: those its location constraints prefer (score
         * above zero), when any of them is in the pool; otherwise every node of the pool it is not banned from.
         * Probes and placement both use it, so a service pinned to one guest is probed there only.
         */
        List<String> reachable(List<Service> ms, Set<String> pool) {
            Set<String> banned = new HashSet<>();
            Set<String> preferred = new java.util.TreeSet<>();
            for (Service m : ms) {
                ResourceMeta meta = meta(m.id(), m.meta());
                for (Map.Entry<ResourceNode, Failure> f : failuresByRes.getOrDefault(m.id(), List.of())) {
                    long fails = failCount(s, m.id(), f.getKey().node(), meta, now);
                    if (meta.migrationThreshold() > 0 && fails >= meta.migrationThreshold()) {
                        banned.add(f.getKey().node());
                        failureExpiry(m.id(), f.getKey().node(), meta);
                    }
                }
                for (LocationRule l : rulesOf(m)) {
                    if (l.score().isMinusInfinity()) {
                        banned.add(l.node());
                    } else if (l.score().value() > 0 && pool.contains(l.node())) {
                        preferred.add(l.node());
                    }
                }
            }
            preferred.removeAll(banned);
            Set<String> out = new java.util.TreeSet<>(preferred.isEmpty() ? pool : preferred);
            out.removeAll(banned);
            // where it runs now is always a candidate (stickiness)
            for (Service m : ms) {
                stateOf(m.id()).forEach((n, st) -> {
                    if (st.status() == ServiceStatus.RUNNING && pool.contains(n) && !banned.contains(n)) {
                        out.add(n);
                    }
                });
            }
            return List.copyOf(out);
        }

        /** Guest nodes where a service might be active although its state is not known there. */
        List<String> mightRun(Service svc) {
            if (allGuests == null) {
                allGuests = new HashSet<>(d.guestNodes());
            }
            return reachable(members(placementUnit(svc)), allGuests);
        }

        Set<String> allGuests;
        /** Online and coming guest nodes: where services may be placed; fixed once the guests are classified. */
        Set<String> pool;

        // ------------------------------------------------------------ services

        /** Where each service (or group) should run; absent means stopped. */
        final Map<String, String> targets = new HashMap<>();

        void services() {
            // Probes first, on every online guest node the service may be placed on: nothing starts before its
            // state is known everywhere. Preference is judged among online and coming guest nodes alike, so that a
            // service pinned to a guest still coming up is not probed in every other guest online meanwhile.
            Set<String> unknown = new HashSet<>();
            pool = new HashSet<>(online);
            pool.addAll(coming);
            for (Service svc : d.services()) {
                Set<String> where = new java.util.TreeSet<>(reachable(members(placementUnit(svc)), pool));
                stateOf(svc.id()).forEach((g, st) -> {
                    if (st.status() == ServiceStatus.UNVERIFIED) {
                        where.add(g);
                    }
                });
                for (String g : where) {
                    Observed.Service known = stateOf(svc.id()).get(g);
                    if (online.contains(g) && (known == null || known.status() == ServiceStatus.UNVERIFIED)) {
                        unknown.add(svc.id());
                        if (!s.busy(key(svc.id(), g))) {
                            actions.add(new Action.Probe(svc.id(), g, "find out whether " + svc.id() + " runs in " + g));
                        }
                    }
                }
            }
            computeTargets(unknown);
            for (Service svc : d.services()) {
                service(svc, unknown.contains(svc.id()));
            }
        }

        void computeTargets(Set<String> unknown) {
            Map<String, Integer> load = new HashMap<>();
            Set<String> unitSet = new java.util.LinkedHashSet<>();
            for (Service svc : d.services()) {
                unitSet.add(placementUnit(svc));
            }
            List<String> units = List.copyOf(unitSet);
            // Units already running keep their load where they are, so that new ones spread out.
            for (String u : units) {
                Set<String> where = new HashSet<>();
                for (Service m : members(u)) {
                    stateOf(m.id()).forEach((n, st) -> {
                        if (st.status() == ServiceStatus.RUNNING && online.contains(n)) {
                            where.add(n);
                        }
                    });
                }
                where.forEach(n -> load.merge(n, 1, Integer::sum));
            }
            // Orders: a unit starts only where its mandatory predecessors are placed; repeat until stable.
            boolean changed = true;
            int rounds = d.orders().isEmpty() ? 1 : units.size() + 1;
            for (int round = 0; changed && round < rounds; round++) {
                changed = false;
                for (String u : units) {
                    Optional<String> t = place(u, unknown, load);
                    String old = targets.get(u);
                    if (!Optional.ofNullable(old).equals(t)) {
                        changed = true;
                        if (t.isPresent()) {
                            targets.put(u, t.get());
                        } else {
                            targets.remove(u);
                        }
                    }
                }
            }
        }

        Optional<String> place(String unit, Set<String> unknown, Map<String, Integer> load) {
            List<Service> ms = members(unit);
            if (ms.isEmpty()) {
                return Optional.empty();
            }
            if (meta(ms.get(0).id(), ms.get(0).meta()).targetRole() == TargetRole.STOPPED) {
                notes.put(ms.get(0).id(), "disabled");
                return Optional.empty();
            }
            for (Service m : ms) {
                if (unknown.contains(m.id())) {
                    return currentNode(ms);
                }
            }
            for (Service m : ms) {
                ResourceMeta meta = meta(m.id(), m.meta());
                for (Map.Entry<ResourceNode, Failure> f : failuresByRes.getOrDefault(m.id(), List.of())) {
                    if (f.getValue().onFail().equals("stop")
                            && failCount(s, m.id(), f.getKey().node(), meta, now) > 0) {
                        notes.put(m.id(), "stopped after a failed " + f.getValue().op() + " in " + f.getKey().node()
                                + " (on-fail=stop); clean up " + m.id() + " to start it again");
                        failureExpiry(m.id(), f.getKey().node(), meta);
                        return Optional.empty();
                    }
                }
            }
            TargetRole groupRole = o.targetRoles().get(unit);
            if (groupRole == TargetRole.STOPPED) {
                notes.put(unit, "disabled");
                return Optional.empty();
            }
            for (OrderRule r : d.orders()) {
                if (r.kind() == OrderRule.Kind.MANDATORY && ms.stream().anyMatch(m -> m.id().equals(r.then())
                        || unit.equals(r.then()))) {
                    Service firstSvc = svcById.get(r.first());
                    String firstUnit = firstSvc == null ? r.first() : placementUnit(firstSvc);
                    if (!targets.containsKey(firstUnit)) {
                        notes.put(unit, "waits for " + r.first() + " (order " + r.id() + ")");
                        return Optional.empty();
                    }
                }
            }
            Service first = ms.get(0);
            String best = null;
            long bestScore = Long.MIN_VALUE;
            List<String> why = new ArrayList<>();
            List<String> candidates = reachable(ms, pool);
            for (String g : candidates) {
                long score = 0;
                boolean allowed = true;
                for (Service m : ms) {
                    ResourceMeta meta = meta(m.id(), m.meta());
                    for (LocationRule l : rulesOf(m)) {
                        if (l.node().equals(g)) {
                            if (l.score().isMinusInfinity()) {
                                allowed = false;
                            }
                            score = Score.add(new Score(score), l.score()).value();
                        }
                    }
                    long fails = failCount(s, m.id(), g, meta, now);
                    if (meta.migrationThreshold() > 0 && fails >= meta.migrationThreshold()) {
                        allowed = false;
                        why.add(m.id() + " failed " + count(fails) + " in " + g);
                        failureExpiry(m.id(), g, meta);
                    }
                    if (failed(m.id(), g, "stop")) {
                        allowed = false;
                    }
                    if (running(m.id(), g)) {
                        score = Score.add(new Score(score), new Score(meta.stickiness())).value();
                    }
                }
                if (!allowed) {
                    continue;
                }
                boolean better = best == null || score > bestScore
                        || (score == bestScore && load.getOrDefault(g, 0) < load.getOrDefault(best, 0));
                if (better) {
                    best = g;
                    bestScore = score;
                }
            }
            if (best == null) {
                String detail = why.isEmpty() ? "" : " (" + String.join(", ", why) + ")";
                notes.put(unit, pool.isEmpty() ? "no guest node is up or coming up"
                        : "no guest node may run it" + detail);
                return Optional.empty();
            }
            String cur = currentNode(ms).orElse(null);
            if (!best.equals(cur)) {
                load.merge(best, 1, Integer::sum);
                if (cur != null) {
                    load.merge(cur, -1, Integer::sum);
                }
            }
            return Optional.of(best);
        }

        /** Where an unprobed unit runs already, so that it is not moved before its state is known. */
        Optional<String> currentNode(List<Service> ms) {
            for (Service m : ms) {
                Optional<String> n = stateOf(m.id()).entrySet().stream()
                        .filter(e -> e.getValue().status() == ServiceStatus.RUNNING && online.contains(e.getKey()))
                        .map(Map.Entry::getKey).sorted().findFirst();
                if (n.isPresent()) {
                    return n;
                }
            }
            return Optional.empty();
        }

        boolean failed(String svc, String g, String op) {
            return s.failure(svc, g).map(f -> f.op().equals(op) && f.count() > 0).orElse(false)
                    && s.service(svc, g).map(x -> x.status() == ServiceStatus.STOP_FAILED).orElse(false);
        }

        void service(Service svc, boolean unknownSomewhere) {
            String id = svc.id();
            ResourceMeta meta = meta(id, svc.meta());
            String unit = placementUnit(svc);
            String target = meta.targetRole() == TargetRole.STOPPED ? null : targets.get(unit);
            if (meta.targetRole() == TargetRole.STOPPED) {
                notes.put(id, "disabled");
            }
            List<Service> unitMembers = members(unit);
            int index = unitMembers.indexOf(svc);

            // Every guest node where it is (or may be) active, including guests that are leaving.
            for (Map.Entry<String, Observed.Service> e : new TreeMap<>(stateOf(id)).entrySet()) {
                String g = e.getKey();
                Observed.Service obs = e.getValue();
                if (!online.contains(g) && !leaving.contains(g)) {
                    continue;
                }
                if (!meta.actionable()) {
                    notes.put(id, "unmanaged: observed, never acted on");
                    continue;
                }
                if (s.busy(key(id, g))) {
                    continue;
                }
                switch (obs.status()) {
                    case STOP_FAILED -> notes.put(id, "stop failed in " + g + "; " + g + " is fenced");
                    case FAILED -> {
                        Failure f = s.failure(id, g).orElse(null);
                        String policy = f == null ? "restart" : f.onFail();
                        switch (policy) {
                            case "block" -> notes.put(id, "blocked in " + g + " after a failed " + (f == null ? "operation"
                                    : f.op()) + " (on-fail=block); clean up " + id + " to act again");
                            case "ignore" -> monitors(svc, g, obs);
                            default -> {
                                if (dependentsStopped(svc, g)) {
                                    actions.add(new Action.StopService(id, g, "recover " + id + " in " + g
                                            + " after a failed " + (f == null ? "operation" : f.op())));
                                }
                            }
                        }
                    }
                    case RUNNING -> {
                        boolean stays = g.equals(target) && !leaving.contains(g);
                        if (!stays && target != null && !online.contains(target) && !leaving.contains(g)) {
                            notes.put(id, "runs in " + g + " until " + target + " is online");
                            monitors(svc, g, obs);
                        } else if (!stays) {
                            if (dependentsStopped(svc, g)) {
                                actions.add(new Action.StopService(id, g, target == null
                                        ? id + " should not run" + (leaving.contains(g) ? " (" + g + " is going down)" : "")
                                        : "move " + id + " from " + g + " to " + target));
                            }
                        } else {
                            monitors(svc, g, obs);
                        }
                    }
                    default -> {
                    }
                }
            }
            if (target != null && !online.contains(target)) {
                notes.putIfAbsent(id, "waits for guest node " + target);
            }
            if (target == null || unknownSomewhere || !meta.actionable() || !online.contains(target)) {
                return;
            }
            Map<String, Observed.Service> known = stateOf(id);
            if (s.busy(key(id, target)) || (known.containsKey(target) && known.get(target).active())) {
                return;
            }
            // Not yet running at its target: start once it is known to run nowhere else (a guest whose state is
            // unknown counts only when its VM is stopped, i.e. everything in it is stopped) and its predecessors run.
            for (Map.Entry<String, Observed.Service> e : known.entrySet()) {
                if (!e.getKey().equals(target) && e.getValue().active()) {
                    notes.putIfAbsent(id, "waits until it has stopped in " + e.getKey());
                    return;
                }
            }
            for (String g : mightRun(svc)) {
                if (g.equals(target) || known.containsKey(g)) {
                    continue;
                }
                VmResource other = vmByNode.get(g);
                if (other != null && s.vm(other.id()).status() != VmStatus.STOPPED) {
                    notes.putIfAbsent(id, "waits until its state in " + g + " is known");
                    return;
                }
            }
            if (index > 0 && !running(unitMembers.get(index - 1).id(), target)) {
                return;
            }
            for (OrderRule r : d.orders()) {
                if (r.kind() != OrderRule.Kind.MANDATORY) {
                    continue;
                }
                boolean applies = r.then().equals(id) || (r.then().equals(unit) && index == 0);
                if (applies && !anyRunning(r.first())) {
                    return;
                }
            }
            actions.add(new Action.StartService(id, target, "start " + id + " in " + target));
        }

        boolean anyRunning(String resource) {
            Service one = svcById.get(resource);
            List<Service> ms = members(one == null ? resource : placementUnit(one));
            if (ms.isEmpty()) {
                return false;
            }
            String probe = groupById.containsKey(resource) ? ms.get(ms.size() - 1).id() : resource;
            return stateOf(probe).values().stream().anyMatch(x -> x.status() == ServiceStatus.RUNNING);
        }

        /** A service stops only after what depends on it: later group members and mandatory "then"s. */
        boolean dependentsStopped(Service svc, String g) {
            String unit = placementUnit(svc);
            List<Service> ms = members(unit);
            int index = ms.indexOf(svc);
            for (int i = index + 1; i < ms.size(); i++) {
                Observed.Service x = stateOf(ms.get(i).id()).get(g);
                if (x != null && x.active()) {
                    return false;
                }
            }
            for (OrderRule r : d.orders()) {
                if (r.kind() != OrderRule.Kind.MANDATORY || !r.symmetrical()) {
                    continue;
                }
                if (r.first().equals(svc.id()) || (r.first().equals(unit) && index == ms.size() - 1)) {
                    Service thenSvc = svcById.get(r.then());
                    for (Service t : members(thenSvc == null ? r.then() : placementUnit(thenSvc))) {
                        if (stateOf(t.id()).values().stream().anyMatch(Observed.Service::active)) {
                            return false;
                        }
                    }
                }
            }
            return true;
        }

        void monitors(Service svc, String g, Observed.Service obs) {
            for (OpDef op : svc.recurringMonitors()) {
                if (!obs.monitors().contains(op.interval().toMillis())) {
                    actions.add(new Action.StartMonitor(svc.id(), g, op.interval(),
                            "watch " + svc.id() + " in " + g));
                    return;
                }
            }
        }
    }

    static String key(String svc, String node) {
        return "svc:" + svc + "@" + node;
    }

    static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }

    static String count(long c) {
        return c >= Score.INFINITY ? "INFINITY times" : c + (c == 1 ? " time" : " times");
    }

    /**
     * Back-off before the n-th recovery in a row: none for the first two (a single failure, or one more right
     * after, is recovered at once), then 1, 2, 4 ... seconds, at most 60.
     */
    public static Duration backoff(int recoveries) {
        if (recoveries <= 2) {
            return Duration.ZERO;
        }
        long secs = 1L << Math.min(recoveries - 3, 6);
        return Duration.ofSeconds(Math.min(secs, 60));
    }
}
