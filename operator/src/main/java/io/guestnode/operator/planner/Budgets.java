package io.guestnode.operator.planner;

import java.time.Instant;
import java.util.List;

/**
 * What one plan may still begin under the host's limits, shared by every part of the plan: fences under the fence
 * limit, starts and stops of domains under the node action limit. Parts of the plan take from it in their order.
 */
final class Budgets {
    private final HostPolicy policy;
    private final List<Instant> recentFences;
    private final Instant now;
    private int fences;
    private int slots;

    Budgets(HostPolicy policy, ObservedState s, Instant now) {
        this.policy = policy;
        this.now = now;
        Instant from = now.minus(policy.fenceWindow());
        this.recentFences = s.fences().stream().filter(t -> t.isAfter(from)).toList();
        this.fences = policy.fenceLimit() - recentFences.size();
        this.slots = policy.nodeActionLimit() - s.inFlightWithPrefix(Action.SLOT_PREFIX);
    }

    /** Takes one fence; false when the fence limit is reached. */
    boolean takeFence() {
        if (fences <= 0) {
            return false;
        }
        fences--;
        return true;
    }

    /**
     * When the oldest fence in the window leaves it: the next fence may begin then. When this very plan took the
     * whole limit, its fences begin now.
     */
    Instant nextFenceAt() {
        return (recentFences.isEmpty() ? now : recentFences.get(0)).plus(policy.fenceWindow());
    }

    /** Takes one slot for a start or stop of a domain; false when as many are in progress as the limit allows. */
    boolean takeSlot() {
        if (slots <= 0) {
            return false;
        }
        slots--;
        return true;
    }
}
