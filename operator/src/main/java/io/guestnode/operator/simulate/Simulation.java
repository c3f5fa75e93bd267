package io.guestnode.operator.simulate;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.planner.Action;
import io.guestnode.operator.planner.Event;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.Overrides;
import io.guestnode.operator.planner.Plan;
import io.guestnode.operator.planner.Planner;
import io.guestnode.operator.planner.StateReducer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the planner from a state until it has nothing more to do, every action succeeding at once, as
 * {@code crm_simulate -S} does with a transition: probes find nothing running. Time stands still: what waits for a
 * back-off or a failure to expire is left waiting, and said in the notes.
 *
 * @param actions every action in the order it was carried out
 * @param notes   what stays as it is and why, from the last plan
 * @param settled false when the planner still had actions after {@link #MAX_ROUNDS} rounds
 */
public record Simulation(ObservedState before, ObservedState after, List<Action> actions, Map<String, String> notes,
                         boolean settled) {
    /** More rounds than any cluster needs: each round carries out one step of every guest node. */
    static final int MAX_ROUNDS = 200;

    public Simulation {
        actions = List.copyOf(actions);
        notes = Map.copyOf(notes);
    }

    public static Simulation run(Definitions d, ObservedState start, Overrides o, Instant now) {
        ObservedState s = start;
        List<Action> done = new ArrayList<>();
        Map<String, String> notes = Map.of();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Plan plan = Planner.plan(d, s, o, now);
            notes = plan.notes();
            if (plan.actions().isEmpty()) {
                return new Simulation(start, s, done, notes, true);
            }
            for (Action a : plan.actions()) {
                s = StateReducer.apply(d, o, s, new Event.ActionStarted(a), now);
            }
            for (Action a : plan.actions()) {
                s = StateReducer.apply(d, o, s, outcome(a), now);
                done.add(a);
            }
        }
        return new Simulation(start, s, done, notes, false);
    }

    /** Every action succeeds; a probe finds the service not running (rc 7), as crm_simulate's probes do. */
    private static Event outcome(Action a) {
        if (a instanceof Action.Probe) {
            return new Event.ActionFinished(a, true, 7, "complete", "not running");
        }
        return Event.ActionFinished.ok(a);
    }
}
