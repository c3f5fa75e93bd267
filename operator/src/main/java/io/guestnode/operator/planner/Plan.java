package io.guestnode.operator.planner;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The planner's answer: actions to start now (in order within each lane), when to plan again even if nothing
 * happens (a back-off or a failure expiring), and notes on resources that stay as they are and why.
 */
public record Plan(List<Action> actions, Optional<Instant> wakeAt, Map<String, String> notes) {
    public Plan {
        actions = List.copyOf(actions);
        notes = Map.copyOf(notes);
    }
}
