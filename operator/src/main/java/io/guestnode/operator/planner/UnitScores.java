package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.LocationRule;
import io.guestnode.operator.definitions.ResourceMeta;
import io.guestnode.operator.definitions.Score;
import io.guestnode.operator.definitions.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * What a placement unit's own constraints and history make of one guest node: its location scores, stickiness where
 * it runs, and the failures that keep it off a node (migration-threshold reached, a failed stop).
 */
final class UnitScores {
    private final PlanContext ctx;
    private final ObservedState s;
    private final java.time.Instant now;

    UnitScores(PlanContext ctx) {
        this.ctx = ctx;
        this.s = ctx.s;
        this.now = ctx.now;
    }

    /** Location rules of the service itself. */
    private List<LocationRule> ownRules(Service m) {
        return ctx.locByResource.getOrDefault(m.id(), List.of());
    }

    /** Location rules of a service, of its group and of the clone that holds either. */
    List<LocationRule> rulesOf(Service m) {
        List<LocationRule> own = ctx.locByResource.getOrDefault(m.id(), List.of());
        String unit = ctx.placementUnit(m);
        if (unit.equals(m.id())) {
            return own;
        }
        List<LocationRule> all = new ArrayList<>(own);
        m.group().filter(g -> !g.equals(unit))
                .ifPresent(g -> all.addAll(ctx.locByResource.getOrDefault(g, List.of())));
        all.addAll(ctx.locByResource.getOrDefault(unit, List.of()));
        return all;
    }

    /**
     * A unit's score on guest node {@code g}: its location scores plus stickiness where it runs; empty when a
     * member may not run there (banned, failed too often, or its stop failed there), the reasons added to
     * {@code why}.
     */
    OptionalLong score(List<Service> ms, String g, List<String> why) {
        long score = 0;
        boolean allowed = true;
        for (Service m : ms) {
            ResourceMeta meta = ctx.meta(m.id(), m.meta());
            // a group's (or clone's) own location scores count once, as Pacemaker gives them to its first member
            for (LocationRule l : m == ms.get(0) ? rulesOf(m) : ownRules(m)) {
                if (l.node().equals(g)) {
                    if (l.score().isMinusInfinity()) {
                        allowed = false;
                    }
                    score = Score.add(new Score(score), l.score()).value();
                }
            }
            long fails = Planner.failCount(s, m.id(), g, meta, now);
            if (meta.migrationThreshold() > 0 && fails >= meta.migrationThreshold()) {
                allowed = false;
                why.add(m.id() + " failed " + Planner.count(fails) + " in " + g);
                ctx.failureExpiry(m.id(), g, meta);
            }
            if (stopFailed(m.id(), g, meta)) {
                allowed = false;
                why.add(m.id() + " failed to stop in " + g);
            }
            if (ctx.holdsPlace(m.id(), g)) {
                score = Score.add(new Score(score), new Score(meta.stickiness())).value();
            }
        }
        return allowed ? OptionalLong.of(score) : OptionalLong.empty();
    }

    /**
     * Whether a member of a group may not run in {@code g} for its failures there (too many, or a failed stop): where
     * its group runs anyway (no guest node takes every member), it stays stopped with what follows it.
     */
    boolean memberBanned(Service m, String g) {
        ResourceMeta meta = ctx.meta(m.id(), m.meta());
        long fails = Planner.failCount(s, m.id(), g, meta, now);
        return (meta.migrationThreshold() > 0 && fails >= meta.migrationThreshold()) || stopFailed(m.id(), g, meta);
    }

    /**
     * Whether a stop of {@code svc} failed in {@code g} and is not forgotten: it may not run there again until it is
     * cleaned up (or its failure expires), also once the guest was fenced, as Pacemaker bans a resource from the
     * node where its stop failed.
     */
    boolean stopFailed(String svc, String g, ResourceMeta meta) {
        return s.failure(svc, g).map(f -> f.op().equals("stop")).orElse(false)
                && Planner.failCount(s, svc, g, meta, now) > 0;
    }
}
