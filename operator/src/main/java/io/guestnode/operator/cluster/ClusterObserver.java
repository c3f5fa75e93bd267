package io.guestnode.operator.cluster;

import io.guestnode.agents.coordination.Coordination;
import io.guestnode.agents.coordination.Versioned;
import io.guestnode.agents.coordination.GuestRecord;
import io.guestnode.operator.planner.ClusterState;
import io.guestnode.operator.planner.ClusterState.Host;
import io.guestnode.operator.planner.ClusterState.HostStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns what the leader reads from ZooKeeper, poll after poll, into {@link ClusterState}: each host's status with the
 * instant the leader first saw it so, and the instant it first saw each guest's claim absent. Every instant is an
 * observation of this leader, never earlier: a host that owns guests but was never seen counts as lost from the
 * first poll that found it missing, so a new leader waits the whole fence delay again. No I/O; time is an argument.
 */
public final class ClusterObserver {
    private final Map<String, Host> hosts = new TreeMap<>();
    private final Map<String, Instant> claimAbsentSince = new HashMap<>();

    /**
     * @param standby     hosts an operator put in standby
     * @param otherDigest hosts whose definitions differ from the cluster's
     * @param fenced      hosts a fence agent confirmed off
     */
    public ClusterState observe(Coordination.Snapshot snap, Set<String> standby, Set<String> otherDigest,
                                Set<String> fenced, Instant now) {
        Map<String, HostStatus> seen = new TreeMap<>();
        for (String h : snap.hosts()) {
            seen.put(h, standby.contains(h) ? HostStatus.STANDBY : HostStatus.ONLINE);
        }
        for (String h : hosts.keySet()) {
            seen.putIfAbsent(h, HostStatus.LOST);
        }
        for (Versioned<GuestRecord> r : snap.guests().values()) {
            r.value().owner().ifPresent(h -> seen.putIfAbsent(h, HostStatus.LOST));
        }
        seen.replaceAll((h, st) -> st == HostStatus.LOST && fenced.contains(h) ? HostStatus.FENCED : st);
        TreeMap<String, Host> next = new TreeMap<>();
        seen.forEach((h, st) -> {
            Host before = hosts.get(h);
            Instant since = before != null && before.status() == st ? before.since() : now;
            next.put(h, new Host(h, st, since, !otherDigest.contains(h)));
        });
        hosts.clear();
        hosts.putAll(next);

        TreeMap<String, ClusterState.Ownership> guests = new TreeMap<>();
        snap.guests().forEach((g, r) -> {
            Optional<String> holder = Optional.ofNullable(snap.claims().get(g));
            Instant absent = holder.isPresent() ? null : claimAbsentSince.getOrDefault(g, now);
            if (absent == null) {
                claimAbsentSince.remove(g);
            } else {
                claimAbsentSince.put(g, absent);
            }
            guests.put(g, new ClusterState.Ownership(r.value(), r.version(), holder,
                    absent == null ? Instant.EPOCH : absent));
        });
        claimAbsentSince.keySet().retainAll(snap.guests().keySet());
        return new ClusterState(next, guests);
    }
}
