package io.guestnode.operator.planner;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The planner's answer: actions to start now (in order within each lane), when to plan again even if nothing
 * happens (a back-off, a failure or an operator's lifetime rule expiring), and notes on resources that stay as they are and why.
 */
public record Plan(List<Action> actions, Optional<Instant> wakeAt, Map<String, String> notes) {
    public Plan {
        actions = List.copyOf(actions);
        notes = Map.copyOf(notes);
    }

    /** The same plan, woken by {@code t} at the latest. */
    public Plan wakingBy(Instant t) {
        return wakeAt.isPresent() && !t.isBefore(wakeAt.get()) ? this : new Plan(actions, Optional.of(t), notes);
    }
}
