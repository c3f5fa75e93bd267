package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.LocationRule;
import io.guestnode.operator.definitions.OrderRule;
import io.guestnode.operator.definitions.ResourceMeta;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.definitions.Score;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.planner.Observed.Failure;
import io.guestnode.operator.planner.Observed.ServiceStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where each placement unit (a service, or a group of services) should run: location constraints, failures
 * (migration-threshold, on-fail=stop, failed stops), stickiness, mandatory orders and load among the guest nodes
 * that are online or coming up.
 */
final class ServicePlacement {
    private final PlanContext ctx;
    private final ObservedState s;
    private final Instant now;
    private final Map<String, String> notes;
    /** Online and coming guest nodes: where services may be placed; fixed once the guests are classified. */
    private final Set<String> pool;
    private Set<String> allGuests;
    /** Where each service, group or clone should run (a clone in several guest nodes); absent means stopped. */
    private final Map<String, Set<String>> targets = new HashMap<>();
    private final UnitScores scoring;

    ServicePlacement(PlanContext ctx, Set<String> pool) {
        this.ctx = ctx;
        this.s = ctx.s;
        this.now = ctx.now;
        this.notes = ctx.notes;
        this.pool = pool;
        this.scoring = new UnitScores(ctx);
    }

    /** Where a unit that is not a clone should run once {@link #computeTargets} has run; null means stopped. */
    String target(String unit) {
        Set<String> t = targets.get(unit);
        return t == null || t.isEmpty() ? null : t.iterator().next();
    }

    /** Every guest node where a unit should run (several for a clone); empty means stopped. */
    Set<String> targetsOf(String unit) {
        return targets.getOrDefault(unit, Set.of());
    }

    /**
     * The guest nodes a unit may be placed on among {@code pool}: those its location constraints prefer (score
     * above zero), when any of them is in the pool; otherwise every node of the pool it is not banned from.
     * Probes and placement both use it, so a service pinned to one guest is probed there only.
     */
    List<String> reachable(List<Service> ms, Set<String> pool) {
        Set<String> banned = new HashSet<>();
        Set<String> preferred = new TreeSet<>();
        for (Service m : ms) {
            ResourceMeta meta = ctx.meta(m.id(), m.meta());
            for (Map.Entry<ResourceNode, Failure> f : ctx.failuresByRes.getOrDefault(m.id(), List.of())) {
                long fails = Planner.failCount(s, m.id(), f.getKey().node(), meta, now);
                if (meta.migrationThreshold() > 0 && fails >= meta.migrationThreshold()) {
                    banned.add(f.getKey().node());
                    ctx.failureExpiry(m.id(), f.getKey().node(), meta);
                }
                if (scoring.stopFailed(m.id(), f.getKey().node(), meta)) {
                    banned.add(f.getKey().node());
                }
            }
            for (LocationRule l : scoring.rulesOf(m)) {
                if (l.score().isMinusInfinity()) {
                    banned.add(l.node());
                } else if (l.score().value() > 0 && pool.contains(l.node())) {
                    preferred.add(l.node());
                }
            }
        }
        preferred.removeAll(banned);
        if (!ms.isEmpty() && (ctx.colocations.involves(ctx.placementUnit(ms.get(0)))
                || ctx.cloneById.containsKey(ctx.placementUnit(ms.get(0))))) {
            preferred.clear(); // placed by other units too, or in many guest nodes: every one is a candidate
        }
        if (preferred.isEmpty()) {
            ctx.entangle(); // placed among every guest node of the pool: no part of the plan stands alone
        }
        Set<String> out = new TreeSet<>(preferred.isEmpty() ? pool : preferred);
        out.removeAll(banned);
        // where it runs now (or restarts) is always a candidate (stickiness)
        for (Service m : ms) {
            ctx.stateOf(m.id()).keySet().forEach(n -> {
                if (ctx.holdsPlace(m.id(), n) && pool.contains(n) && !banned.contains(n)) {
                    out.add(n);
                }
            });
        }
        return List.copyOf(out);
    }

    /** The guest nodes among the pool a unit may be placed on. */
    List<String> reachable(List<Service> ms) {
        return reachable(ms, pool);
    }

    /** Guest nodes where a service might be active although its state is not known there. */
    List<String> mightRun(Service svc) {
        if (allGuests == null) {
            allGuests = new HashSet<>(ctx.d.guestNodes());
        }
        return reachable(ctx.members(ctx.placementUnit(svc)), allGuests);
    }

    /** Places every unit; a unit with a member whose state is still {@code unknown} stays where it runs. */
    void computeTargets(Set<String> unknown) {
        Set<String> unitSet = new LinkedHashSet<>();
        for (Service svc : ctx.d.services()) {
            unitSet.add(ctx.placementUnit(svc));
        }
        List<String> units = ctx.colocations.primariesFirst(byPriority(List.copyOf(unitSet)));
        // Orders: a unit starts only where its mandatory predecessors are placed; repeat until stable.
        boolean changed = true;
        int rounds = ctx.d.orders().isEmpty() ? 1 : units.size() + 1;
        for (int round = 0; changed && round < rounds; round++) {
            changed = false;
            // what each pass has placed so far, member by member: ties go to the guest node with fewest
            Map<String, Integer> load = new HashMap<>();
            for (String u : units) {
                Set<String> t = place(u, unknown, load);
                int weight = ctx.members(u).size();
                t.forEach(n -> load.merge(n, weight, Integer::sum));
                if (!targetsOf(u).equals(t)) {
                    changed = true;
                    if (t.isEmpty()) {
                        targets.remove(u);
                    } else {
                        targets.put(u, t);
                    }
                }
            }
        }
    }

    /** The units by priority (highest first), else as declared: the order Pacemaker assigns them in. */
    private List<String> byPriority(List<String> units) {
        List<String> out = new java.util.ArrayList<>(units);
        out.sort(java.util.Comparator.comparingInt((String u) -> ctx.members(u).isEmpty() ? 0
                : -ctx.members(u).get(0).meta().priority()));
        return out;
    }

    private Set<String> place(String unit, Set<String> unknown, Map<String, Integer> load) {
        List<Service> ms = ctx.members(unit);
        boolean clone = ctx.cloneById.containsKey(unit);
        if (ms.isEmpty()) {
            return Set.of();
        }
        if (!ctx.meta(ms.get(0).id(), ms.get(0).meta()).actionable()) {
            // an unmanaged unit stays where it is active, as Pacemaker assigns it to its current node
            Set<String> active = new TreeSet<>();
            ctx.stateOf(ms.get(0).id()).forEach((n, st) -> {
                if (st.active() && ctx.online.contains(n)) {
                    active.add(n);
                }
            });
            return clone || active.size() <= 1 ? active : Set.of(active.iterator().next());
        }
        if (ctx.meta(ms.get(0).id(), ms.get(0).meta()).targetRole() == TargetRole.STOPPED) {
            notes.put(ms.get(0).id(), "disabled");
            return Set.of();
        }
        for (Service m : ms) {
            if (unknown.contains(m.id())) {
                return clone ? ClonePlacement.runningNodes(ctx, ms) : currentNode(ms).map(Set::of).orElse(Set.of());
            }
        }
        // a member stopped after a failure stops what follows it in the group; the first one, the whole group
        if (stoppedAfterFailure(ms.subList(0, 1)) || disabledGroup(unit) || waitsForPredecessor(unit, ms)) {
            return Set.of();
        }
        if (clone) {
            // on-fail=stop stops the resource, and the instances of an anonymous clone are one resource: all of them
            if (stoppedAfterFailure(ms)) {
                return Set.of();
            }
            return new ClonePlacement(ctx, scoring).place(unit, ms, reachable(ms), load, this::targetsOf);
        }
        return best(unit, ms, load).map(Set::of).orElse(Set.of());
    }

    /** Whether a member failed with on-fail=stop (noted): the unit stays stopped until it is cleaned up. */
    boolean stoppedAfterFailure(List<Service> ms) {
        for (Service m : ms) {
            ResourceMeta meta = ctx.meta(m.id(), m.meta());
            for (Map.Entry<ResourceNode, Failure> f : ctx.failuresByRes.getOrDefault(m.id(), List.of())) {
                if (f.getValue().onFail().equals("stop")
                        && Planner.failCount(s, m.id(), f.getKey().node(), meta, now) > 0) {
                    notes.put(m.id(), "stopped after a failed " + f.getValue().op() + " in " + f.getKey().node()
                            + " (on-fail=stop); clean up " + m.id() + " to start it again");
                    ctx.failureExpiry(m.id(), f.getKey().node(), meta);
                    return true;
                }
            }
        }
        return false;
    }

    private boolean disabledGroup(String unit) {
        TargetRole groupRole = ctx.o.targetRoles().get(unit);
        if (groupRole == TargetRole.STOPPED) {
            notes.put(unit, "disabled");
            return true;
        }
        return false;
    }

    /** Whether a mandatory predecessor of the unit is not placed (noted). */
    private boolean waitsForPredecessor(String unit, List<Service> ms) {
        for (OrderRule r : ctx.d.orders()) {
            if (r.kind() == OrderRule.Kind.MANDATORY && ms.stream().anyMatch(m -> m.id().equals(r.then())
                    || unit.equals(r.then()))) {
                Service firstSvc = ctx.svcById.get(r.first());
                String firstUnit = firstSvc == null ? r.first() : ctx.placementUnit(firstSvc);
                if (targetsOf(firstUnit).isEmpty()) {
                    notes.put(unit, "waits for " + r.first() + " (order " + r.id() + ")");
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The best guest node for a unit: highest score, then least load (what this pass placed before it, as Pacemaker
     * counts its assignments), then where it runs (as Pacemaker keeps a resource on its current node among equals);
     * noted when there is none.
     */
    private Optional<String> best(String unit, List<Service> ms, Map<String, Integer> load) {
        List<String> why = new ArrayList<>();
        String cur = currentNode(ms).or(() -> recoveringNode(ms)).orElse(null);
        // a member that stays stopped (disabled, or stopped after a failure) and what follows it weigh nothing: the
        // group is placed by the members that are to run, as Pacemaker ignores a stopped member's colocation
        List<Service> judged = ms;
        for (int i = 1; i < ms.size(); i++) {
            if (stoppedAfterFailure(ms.subList(i, i + 1))
                    || ctx.meta(ms.get(i).id(), ms.get(i).meta()).targetRole() == TargetRole.STOPPED) {
                judged = ms.subList(0, i);
                break;
            }
        }
        String best = best(ms, judged, load, cur, why);
        if (best == null && judged.size() > 1) {
            // no guest node takes every member: the group goes where its first member may run, and the members
            // that may not run there stay stopped with what follows them, as in Pacemaker
            best = best(ms, ms.subList(0, 1), load, cur, why);
        }
        if (best == null) {
            String detail = why.isEmpty() ? "" : " (" + String.join(", ", why) + ")";
            notes.put(unit, pool.isEmpty() ? "no guest node is up or coming up"
                    : "no guest node may run it" + detail);
            return Optional.empty();
        }
        return Optional.of(best);
    }

    /** The best guest node for {@code ms}, judged by the constraints and failures of {@code judged}; null if none. */
    private String best(List<Service> ms, List<Service> judged, Map<String, Integer> load, String cur,
                        List<String> why) {
        String best = null;
        long bestScore = Long.MIN_VALUE;
        java.util.function.ToIntFunction<String> others = g -> load.getOrDefault(g, 0);
        Map<String, Long> scores = scores(judged, why);
        for (String g : reachable(judged, pool)) {
            Long found = scores.get(g);
            if (found == null || found < 0) {
                continue; // a negative score keeps a resource off a node, as in Pacemaker
            }
            OptionalLong score = OptionalLong.of(found);
            // Among equals, Pacemaker keeps a resource where it runs (or is recovered) when the score is
            // positive; at zero it spreads (fewest resources), then keeps it where it runs.
            boolean tie = best != null && score.getAsLong() == bestScore;
            boolean keep = tie && (g.equals(cur) || best.equals(cur));
            boolean better = best == null || score.getAsLong() > bestScore
                    || (keep && g.equals(cur))
                    || (tie && !keep && (others.applyAsInt(g) < others.applyAsInt(best)
                    || others.applyAsInt(g) == others.applyAsInt(best) && g.equals(cur)));
            if (better) {
                best = g;
                bestScore = score.getAsLong();
            }
        }
        return best;
    }

    /**
     * The unit's score on each guest node it may be placed on, colocations included: where its dependents would run
     * weighs in unless that leaves it no guest node (as Pacemaker rolls such a weighing back); nodes where it may not
     * run are left out.
     */
    private Map<String, Long> scores(List<Service> judged, List<String> why) {
        String unit = ctx.placementUnit(judged.get(0));
        Map<String, Long> own = new HashMap<>();
        for (String g : reachable(judged, pool)) {
            OptionalLong base = scoring.score(judged, g, why);
            long coloc = ctx.colocations.dependentScore(unit, g, this::targetsOf, why);
            if (base.isPresent() && coloc > -Score.INFINITY) {
                own.put(g, Score.add(new Score(base.getAsLong()), new Score(coloc)).value());
            }
        }
        if (!ctx.colocations.hasDependents(unit)) {
            return own;
        }
        Map<String, Long> weighed = new HashMap<>();
        own.forEach((g, v) -> {
            long w = Score.add(new Score(v), new Score(ctx.colocations.attraction(unit, g, this::ownScore))).value();
            if (w > -Score.INFINITY) {
                weighed.put(g, w);
            }
        });
        return weighed.values().stream().anyMatch(v -> v >= 0) ? weighed : own;
    }

    /**
     * A dependent unit's own score on {@code g}, for its primary to weigh: -INFINITY where it may not run, INFINITY
     * where it is unmanaged and active (it stays there).
     */
    private long ownScore(String unit, String g) {
        List<Service> ms = ctx.members(unit);
        if (ms.isEmpty()) {
            return 0;
        }
        if (!ctx.meta(ms.get(0).id(), ms.get(0).meta()).actionable()) {
            Observed.Service st = ctx.stateOf(ms.get(0).id()).get(g);
            if (st != null && st.active()) {
                return Score.INFINITY;
            }
        }
        return scoring.score(ms, g, new ArrayList<>()).orElse(-Score.INFINITY);
    }

    /** Whether a member of a group may not run in {@code g} for its failures there (see {@link UnitScores}). */
    boolean memberBanned(Service m, String g) {
        return scoring.memberBanned(m, g);
    }

    /** Where a unit runs already (or restarts), so that it is not moved before its state is known. */
    private Optional<String> currentNode(List<Service> ms) {
        for (Service m : ms) {
            // where it runs comes before where it was to restart
            Optional<String> n = ctx.stateOf(m.id()).keySet().stream()
                    .filter(g -> ctx.holdsPlace(m.id(), g) && ctx.online.contains(g))
                    .min(java.util.Comparator.comparing((String g) -> !ctx.running(m.id(), g))
                            .thenComparing(java.util.Comparator.naturalOrder()));
            if (n.isPresent()) {
                return n;
            }
        }
        return Optional.empty();
    }

    /**
     * Where a unit failed and is recovered: the node Pacemaker counts it as running on while it decides its
     * recovery (failed there, or stopped there since, and its failure not forgotten); the latest failure wins.
     */
    private Optional<String> recoveringNode(List<Service> ms) {
        String best = null;
        Instant bestAt = Instant.MIN;
        for (Service m : ms) {
            ResourceMeta meta = ctx.meta(m.id(), m.meta());
            for (Map.Entry<ResourceNode, Failure> f : ctx.failuresByRes.getOrDefault(m.id(), List.of())) {
                String n = f.getKey().node();
                Observed.Service st = ctx.stateOf(m.id()).get(n);
                boolean there = st != null && (st.status() == ServiceStatus.FAILED
                        || st.status() == ServiceStatus.STOPPED);
                if (there && ctx.online.contains(n) && !f.getValue().op().equals("stop")
                        && Planner.failCount(s, m.id(), n, meta, now) > 0 && f.getValue().last().isAfter(bestAt)) {
                    best = n;
                    bestAt = f.getValue().last();
                }
            }
        }
        return Optional.ofNullable(best);
    }

}
