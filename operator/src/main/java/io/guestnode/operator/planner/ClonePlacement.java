package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.CloneSet;
import io.guestnode.operator.definitions.Score;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.planner.Observed.ServiceStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Where the instances of an anonymous clone run: in every guest node that may run it (its location scores, failures
 * and colocations allow it, with a score not below zero), at most {@code clone-max} of them; instances that run keep
 * their guest node, the others go where the score is highest, then where fewest units run.
 */
final class ClonePlacement {
    private final PlanContext ctx;
    private final UnitScores scoring;

    ClonePlacement(PlanContext ctx, UnitScores scoring) {
        this.ctx = ctx;
        this.scoring = scoring;
    }

    private record Candidate(String node, long score, boolean running, int load) {
    }

    /** The guest nodes for the clone's instances among {@code candidates}, {@code load} what is placed already. */
    Set<String> place(String unit, List<Service> ms, List<String> candidates, Map<String, Integer> load,
                      Function<String, Set<String>> targetsOf) {
        CloneSet clone = ctx.cloneById.get(unit);
        List<String> why = new ArrayList<>();
        List<Candidate> ok = new ArrayList<>();
        for (String g : candidates) {
            OptionalLong own = scoring.score(ms, g, why);
            long coloc = ctx.colocations.dependentScore(unit, g, targetsOf, why);
            if (own.isEmpty() || coloc <= -Score.INFINITY) {
                continue;
            }
            long score = Score.add(new Score(own.getAsLong()), new Score(coloc)).value();
            if (score >= 0) {
                ok.add(new Candidate(g, score, holds(ms.get(0).id(), g), load.getOrDefault(g, 0)));
            }
        }
        ok.sort(Comparator.comparing(Candidate::running).reversed()
                .thenComparing(Comparator.comparingLong(Candidate::score).reversed())
                .thenComparingInt(Candidate::load)
                .thenComparing(Candidate::node));
        int max = clone.cloneMax().orElse(Integer.MAX_VALUE);
        Set<String> out = new TreeSet<>();
        for (Candidate c : ok) {
            if (out.size() >= max) {
                break;
            }
            out.add(c.node());
        }
        if (out.isEmpty()) {
            ctx.notes.put(unit, ctx.coming.isEmpty() && ctx.online.isEmpty() ? "no guest node is up or coming up"
                    : "no guest node may run it" + (why.isEmpty() ? "" : " (" + String.join(", ", why) + ")"));
        }
        return out;
    }

    /** Whether an instance runs, restarts or failed (and is recovered) in {@code g}: it keeps its guest node. */
    private boolean holds(String svc, String g) {
        Observed.Service st = ctx.stateOf(svc).get(g);
        return ctx.holdsPlace(svc, g) || (st != null && st.status() == ServiceStatus.FAILED);
    }

    /** The guest nodes where a clone's first member runs now: kept while its state elsewhere is being found out. */
    static Set<String> runningNodes(PlanContext ctx, List<Service> ms) {
        Set<String> out = new TreeSet<>();
        ctx.stateOf(ms.get(0).id()).forEach((n, st) -> {
            if (st.status() == ServiceStatus.RUNNING && ctx.online.contains(n)) {
                out.add(n);
            }
        });
        return out;
    }
}
