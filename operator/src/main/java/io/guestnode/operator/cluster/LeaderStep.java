package io.guestnode.operator.cluster;

import io.guestnode.agents.coordination.Coordination;
import io.guestnode.agents.coordination.CoordinationException;
import io.guestnode.agents.coordination.GuestRecord;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.planner.ClusterState;
import io.guestnode.operator.planner.HostIntent;
import io.guestnode.operator.planner.HostOverrides;
import io.guestnode.operator.planner.HostPlanner;
import io.guestnode.operator.planner.Overrides;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One step of the leader: read the cluster from ZooKeeper, observe it ({@link ClusterObserver}), plan
 * ({@link HostPlanner}) and write each intent as a conditional write from the version read. A second leader, or a
 * host that changed the record meanwhile, makes the write fail: nothing is written on a stale view. The leader never
 * starts anything; the host named claims the guest itself.
 */
public final class LeaderStep {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderStep.class);

    private final Coordination zk;
    private final ClusterObserver observer = new ClusterObserver();

    /** What a step did: its plan, and the intents whose write lost a race (they are planned again next step). */
    public record Outcome(HostPlanner.HostPlan plan, List<HostIntent> written, List<HostIntent> lost) {
    }

    public LeaderStep(Coordination zk) {
        this.zk = zk;
    }

    public Outcome run(Definitions d, Overrides o, Duration fenceDelay, HostOverrides h, Set<String> otherDigest,
                       Set<String> fenced, Instant now) throws CoordinationException {
        return run(zk.snapshot(), d, o, fenceDelay, h, otherDigest, fenced, now);
    }

    /**
     * The same on a snapshot read this step (the host's own step reads one: the leader plans on it rather than reading
     * the cluster twice). An intent from a view that changed since fails its conditional write and is planned again.
     */
    public Outcome run(Coordination.Snapshot snap, Definitions d, Overrides o, Duration fenceDelay, HostOverrides h,
                       Set<String> otherDigest, Set<String> fenced, Instant now) throws CoordinationException {
        snap.unreadable().forEach((g, why) -> LOG.error("guest record not acted on: {}", why));
        ClusterState c = observer.observe(snap, h.standby(), otherDigest, fenced, now);
        HostPlanner.HostPlan plan = HostPlanner.plan(d, c, o, h, fenceDelay, now);
        List<HostIntent> written = new ArrayList<>();
        List<HostIntent> lost = new ArrayList<>();
        for (HostIntent i : plan.intents()) {
            GuestRecord current = c.ownership(i.guest()).record();
            GuestRecord next = switch (i) {
                case HostIntent.Assign a -> new GuestRecord(Optional.of(i.host()), current.epoch(),
                        GuestRecord.Phase.PLACED, Optional.empty());
                case HostIntent.Recover r -> new GuestRecord(Optional.of(i.host()), current.epoch(),
                        GuestRecord.Phase.RECOVERING, Optional.empty());
                case HostIntent.Relocate r -> current.relocatingTo(r.host());
                case HostIntent.Migrate m -> current.migratingTo(m.host());
            };
            if (zk.writeRecord(i.guest(), i.version(), next)) {
                LOG.info("{} ({})", i, i.reason());
                written.add(i);
            } else {
                LOG.info("{}: its record changed meanwhile; planned again", i);
                lost.add(i);
            }
        }
        return new Outcome(plan, written, lost);
    }
}
