package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.ResourceMeta;
import io.guestnode.operator.definitions.Score;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.Observed.Failure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
        return new IncrementalPlanner().plan(d, s, o, policy, now, new IncrementalPlanner.Touched());
    }

    /** Plans one part of the cluster, taking what it begins from the budgets shared by the whole plan. */
    static PlanContext planPart(PlanShards shards, PlanShards.Shard part, ObservedState s, Overrides o,
                                HostPolicy policy, Budgets budgets, Instant now) {
        int index = part.index();
        PlanContext ctx = new PlanContext(part.defs(), s, o, policy, budgets, now,
                node -> shards.elsewhere(node, index));
        // Guest nodes are classified first, so that services are planned against them; the actions on their VMs
        // and connections come after the services, which must stop first.
        List<Runnable> guestSteps = new GuestNodePlanner(ctx).classify();
        new ServicePlanner(ctx).plan();
        guestSteps.forEach(Runnable::run);
        return ctx;
    }

    /**
     * Whether guestnode may act on a guest node: its VM resource is managed, it is not in maintenance, and it is not
     * migrating live away from this host.
     */
    public static boolean guestManaged(VmResource vm, Overrides o) {
        return vm.meta().actionable() && !o.hostMaintenance() && !o.maintenanceGuests().contains(vm.node())
                && !o.migrating().contains(vm.node());
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
