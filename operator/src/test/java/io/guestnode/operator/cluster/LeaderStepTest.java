package io.guestnode.operator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.agents.coordination.ClaimResult;
import io.guestnode.agents.coordination.GuestRecord;
import io.guestnode.agents.coordination.Timing;
import io.guestnode.agents.coordination.Versioned;
import io.guestnode.agents.coordination.ZkCoordination;
import io.guestnode.operator.definitions.Agent;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.DomainRef;
import io.guestnode.operator.definitions.GuestConnection;
import io.guestnode.operator.definitions.ResourceMeta;
import io.guestnode.operator.definitions.SourceLocation;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.HostOverrides;
import io.guestnode.operator.planner.Overrides;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.Test;

/**
 * The leader on a real three-server ensemble: it places a new guest, the host claims it; the host's session ends; the
 * leader waits the fence delay from the moment it saw the host lost, then recovers the guest on another host, which
 * claims it in the next epoch. A second leader (a new one, or one that does not know it lost) counts the fence delay
 * from its own first sight of the loss and finds nothing left to do once the guest has a live owner.
 */
class LeaderStepTest {
    private static final Duration F = Duration.ofSeconds(6);
    private static final SourceLocation AT = new SourceLocation(Path.of("cib.xml"), 1);

    private static Definitions oneGuest() {
        VmResource vm = new VmResource("vm-guest1", new Agent("ocf", "heartbeat", "VirtualDomain"),
                new DomainRef("lxc:///", Path.of("guest1.xml"), "guest1", "<domain/>", true, ""),
                new GuestConnection("guest1", "10.251.1.1", 3121, Duration.ofSeconds(60), true, Duration.ofSeconds(5),
                        Duration.ofSeconds(10)), ResourceMeta.DEFAULT, List.of(), Map.of(), AT);
        return new Definitions("h1", List.of(vm), List.of(), List.of(), List.of(), List.of(), Set.of("h2"));
    }

    @Test
    void aLostHostsGuestIsRecoveredOnlyAfterTheFenceDelayAndClaimedInTheNextEpoch() throws Exception {
        try (TestingCluster cluster = new TestingCluster(3)) {
            cluster.start();
            String root = "/guestnode/leader";
            Definitions d = oneGuest();
            try (ZkCoordination h1 = new ZkCoordination(cluster.getConnectString(), root, "h1", Timing.DEFAULT);
                 ZkCoordination h2 = new ZkCoordination(cluster.getConnectString(), root, "h2", Timing.DEFAULT)) {
                h1.join("");
                h2.join("");
                LeaderStep leader = new LeaderStep(h1);
                Instant t = Instant.parse("2026-01-01T00:00:00Z");
                // h1 is not a candidate (standby): the guest goes to h2, which claims it
                LeaderStep.Outcome placed = leader.run(d, Overrides.NONE, F, HostOverrides.NONE.withStandby("h1", true), Set.of(), Set.of(), t);
                assertEquals("[assign guest1 to h2]", placed.written().toString());
                // h2's session may read from a server that has not applied h1's write yet: it sees it in a moment
                long seen = System.nanoTime() + 10_000_000_000L;
                while (h2.guest("guest1").isEmpty() && System.nanoTime() < seen) {
                    Thread.sleep(20);
                }
                Versioned<GuestRecord> r = h2.guest("guest1").orElseThrow();
                assertInstanceOf(ClaimResult.Claimed.class, h2.claim("guest1", r.version(),
                        r.value().claimedBy("h2", GuestRecord.Phase.RUNNING)));

                // h2's session ends (as when the server expires it after h2 fell silent)
                h2.close();
                long until = System.nanoTime() + 30_000_000_000L;
                while (h1.hosts().contains("h2") && System.nanoTime() < until) {
                    Thread.sleep(50);
                }
                Instant lostSeen = t.plusSeconds(20);
                LeaderStep.Outcome waiting = leader.run(d, Overrides.NONE, F, HostOverrides.NONE, Set.of(), Set.of(), lostSeen);
                assertEquals(List.of(), waiting.written(), "not before the fence delay");
                assertEquals(Optional.of(lostSeen.plus(F)), waiting.plan().wakeAt());
                LeaderStep.Outcome early = leader.run(d, Overrides.NONE, F, HostOverrides.NONE, Set.of(), Set.of(),
                        lostSeen.plus(F).minusMillis(1));
                assertEquals(List.of(), early.written());

                // a second leader, with its own observations
                LeaderStep other = new LeaderStep(h1);
                assertEquals(List.of(), other.run(d, Overrides.NONE, F, HostOverrides.NONE, Set.of(), Set.of(),
                        lostSeen.plusSeconds(3)).written(), "its own first sight of the loss starts its own delay");
                LeaderStep.Outcome recovered = leader.run(d, Overrides.NONE, F, HostOverrides.NONE, Set.of(), Set.of(),
                        lostSeen.plus(F));
                assertEquals("[recover guest1 from h2 on h1]", recovered.written().toString());
                LeaderStep.Outcome stale = other.run(d, Overrides.NONE, F, HostOverrides.NONE, Set.of(), Set.of(),
                        lostSeen.plus(F).plusSeconds(1));
                assertEquals(List.of(), stale.written(), "the owner is h1 now: nothing to recover");

                Versioned<GuestRecord> mine = h1.guest("guest1").orElseThrow();
                assertEquals(GuestRecord.Phase.RECOVERING, mine.value().phase());
                ClaimResult c = h1.claim("guest1", mine.version(), mine.value().claimedBy("h1", GuestRecord.Phase.RUNNING));
                assertEquals(2, ((ClaimResult.Claimed) c).record().epoch());
                assertTrue(h1.holdsClaim("guest1"));
            }
        }
    }
}
