package io.guestnode.operator.engine;

import io.guestnode.operator.planner.Action;
import io.guestnode.operator.planner.Event;
import io.guestnode.operator.planner.ObservedState;
import java.time.Instant;

/**
 * Told of what the control loop does, on the loop itself (metrics, say): every action it begins and every event it
 * folds into the state. Must return at once and never throw.
 */
public interface EngineListener {
    /** An action begins now. */
    default void dispatched(Action a, Instant at) {
    }

    /** An event was folded into the state ({@code before} to {@code after}; the same when it changed nothing). */
    default void applied(Event e, ObservedState before, ObservedState after, Instant at) {
    }

    EngineListener NONE = new EngineListener() {
    };

    /** Each of {@code listeners}, in order. */
    static EngineListener all(EngineListener... listeners) {
        java.util.List<EngineListener> ls = java.util.List.of(listeners);
        return new EngineListener() {
            @Override
            public void dispatched(Action a, Instant at) {
                ls.forEach(l -> l.dispatched(a, at));
            }

            @Override
            public void applied(Event e, ObservedState before, ObservedState after, Instant at) {
                ls.forEach(l -> l.applied(e, before, after, at));
            }
        };
    }
}
