package io.guestnode.operator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.guestnode.agents.coordination.Coordination;
import io.guestnode.agents.coordination.GuestRecord;
import io.guestnode.agents.coordination.Versioned;
import io.guestnode.operator.planner.ClusterState;
import io.guestnode.operator.planner.ClusterState.HostStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterObserverTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Versioned<GuestRecord> OWNED_BY_H2 = new Versioned<>(
            new GuestRecord(Optional.of("h2"), 3, GuestRecord.Phase.RUNNING, Optional.empty()), 5);

    private static Coordination.Snapshot snap(Set<String> hosts, Map<String, String> claims) {
        return new Coordination.Snapshot(hosts, Map.of("guest1", OWNED_BY_H2), claims, Map.of());
    }

    @Test
    void aHostIsLostFromTheFirstPollThatMissesItAndItsClaimFromTheFirstPollWithoutIt() {
        ClusterObserver o = new ClusterObserver();
        ClusterState a = o.observe(snap(Set.of("h1", "h2"), Map.of("guest1", "h2")), Set.of(), Set.of(), Set.of(), T0);
        assertEquals(HostStatus.ONLINE, a.host("h2").orElseThrow().status());
        assertEquals(Optional.of("h2"), a.ownership("guest1").claimHolder());

        ClusterState b = o.observe(snap(Set.of("h1"), Map.of()), Set.of(), Set.of(), Set.of(), T0.plusSeconds(11));
        assertEquals(HostStatus.LOST, b.host("h2").orElseThrow().status());
        assertEquals(T0.plusSeconds(11), b.host("h2").orElseThrow().since());
        assertEquals(T0.plusSeconds(11), b.ownership("guest1").claimGoneSince());

        ClusterState c = o.observe(snap(Set.of("h1"), Map.of()), Set.of(), Set.of(), Set.of(), T0.plusSeconds(12));
        assertEquals(T0.plusSeconds(11), c.host("h2").orElseThrow().since(), "the first observation counts");
        assertEquals(T0.plusSeconds(11), c.ownership("guest1").claimGoneSince());
        assertEquals(T0, c.host("h1").orElseThrow().since(), "h1 online since the first poll");
    }

    @Test
    void aNewLeaderCountsAnOwnerItNeverSawAsLostFromItsOwnFirstPoll() {
        ClusterObserver o = new ClusterObserver();
        ClusterState s = o.observe(snap(Set.of("h1"), Map.of()), Set.of(), Set.of(), Set.of(), T0.plusSeconds(100));
        assertEquals(HostStatus.LOST, s.host("h2").orElseThrow().status());
        assertEquals(T0.plusSeconds(100), s.host("h2").orElseThrow().since());
        assertEquals(T0.plusSeconds(100), s.ownership("guest1").claimGoneSince());
    }

    @Test
    void standbyOtherDefinitionsAndConfirmedFencesAreMarked() {
        ClusterObserver o = new ClusterObserver();
        o.observe(snap(Set.of("h1", "h2", "h3"), Map.of()), Set.of(), Set.of(), Set.of(), T0);
        ClusterState s = o.observe(snap(Set.of("h1", "h3"), Map.of()), Set.of("h1"), Set.of("h3"), Set.of("h2"),
                T0.plusSeconds(1));
        assertEquals(HostStatus.STANDBY, s.host("h1").orElseThrow().status());
        assertEquals(HostStatus.FENCED, s.host("h2").orElseThrow().status());
        assertEquals(false, s.host("h3").orElseThrow().digestMatches());
    }
}
