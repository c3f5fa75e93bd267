package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.ColocationRule;
import io.guestnode.operator.definitions.Score;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToLongBiFunction;

/**
 * The colocation constraints among placement units (services and groups), as Pacemaker's scheduler applies them: a
 * primary is placed before what is colocated with it, weighing where its dependents would like to run (their scores
 * scaled by the colocation's score over INFINITY, the weighing dropped when it would leave the primary no guest node);
 * a dependent then runs only where its INFINITY primaries run, never where its -INFINITY ones run, and adds finite
 * scores on the guest node of the primary.
 */
final class Colocations {
    private final Map<String, List<ColocationRule>> asDependent = new HashMap<>();
    private final Map<String, List<ColocationRule>> asPrimary = new HashMap<>();

    Colocations(List<ColocationRule> rules) {
        for (ColocationRule c : rules) {
            asDependent.computeIfAbsent(c.resource(), k -> new ArrayList<>()).add(c);
            asPrimary.computeIfAbsent(c.withResource(), k -> new ArrayList<>()).add(c);
        }
    }

    /** Whether a unit takes part in any colocation. */
    boolean involves(String unit) {
        return asDependent.containsKey(unit) || asPrimary.containsKey(unit);
    }

    /** The units with every primary before its dependents (in a cycle, the declared order decides). */
    List<String> primariesFirst(List<String> units) {
        Set<String> out = new LinkedHashSet<>();
        Set<String> visiting = new java.util.HashSet<>();
        for (String u : units) {
            visit(u, out, visiting);
        }
        out.retainAll(Set.copyOf(units));
        return List.copyOf(out);
    }

    private void visit(String u, Set<String> out, Set<String> visiting) {
        if (out.contains(u) || !visiting.add(u)) {
            return;
        }
        for (ColocationRule c : asDependent.getOrDefault(u, List.of())) {
            visit(c.withResource(), out, visiting);
        }
        out.add(u);
    }

    /**
     * What a unit's colocations with its primaries make of guest node {@code g}: -INFINITY where it may not run (the
     * reasons added to {@code why}), else the sum of the finite scores of the primaries placed on {@code g}.
     *
     * @param targets where each primary was placed (several guest nodes for a clone); empty means nowhere
     */
    long dependentScore(String unit, String g, Function<String, Set<String>> targets, List<String> why) {
        long score = 0;
        for (ColocationRule c : asDependent.getOrDefault(unit, List.of())) {
            Set<String> with = targets.apply(c.withResource());
            boolean there = with.contains(g);
            if (c.mandatory() && !there) {
                why.add(with.isEmpty() ? c.withResource() + ", which " + unit + " is colocated with, runs nowhere"
                        : unit + " runs only with " + c.withResource() + " (in " + String.join(", ", with) + ")");
                return -Score.INFINITY;
            }
            if (c.forbidding() && there) {
                why.add(unit + " may not run with " + c.withResource() + " (in " + g + ")");
                return -Score.INFINITY;
            }
            if (there && !c.mandatory()) {
                score = Score.add(new Score(score), c.score()).value();
            }
        }
        return score;
    }

    /**
     * How much the dependents of primary {@code unit} pull it to (or push it from) guest node {@code g}: each one's own
     * score there scaled by the colocation's score over INFINITY and rounded, at least 1 either way when that score is
     * not zero; a negative scale never turns an aversion into a preference.
     *
     * @param ownScore a dependent's own score on a guest node (locations, stickiness; -INFINITY when it may not run)
     */
    long attraction(String unit, String g, ToLongBiFunction<String, String> ownScore) {
        long sum = 0;
        for (ColocationRule c : asPrimary.getOrDefault(unit, List.of())) {
            float factor = (float) c.score().value() / Score.INFINITY;
            long theirs = ownScore.applyAsLong(c.resource(), g);
            if (factor < 0 && theirs < 0) {
                continue; // an aversion of an anti-colocated dependent does not draw the primary there
            }
            float scaled = factor * theirs;
            long part = (long) (scaled < 0 ? scaled - 0.5f : scaled + 0.5f);
            if (part == 0 && theirs != 0) {
                part = factor > 0 ? 1 : -1; // a small factor never erases a preference altogether
            }
            sum = Score.add(new Score(sum), new Score(part)).value();
        }
        return sum;
    }

    /** Whether a unit has dependents that weigh on where it goes. */
    boolean hasDependents(String unit) {
        return asPrimary.containsKey(unit);
    }
}
