package io.guestnode.operator.cluster;

import static io.guestnode.operator.cluster.ClusterModeTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.agents.coordination.ClaimResult;
import io.guestnode.agents.coordination.GuestRecord;
import io.guestnode.agents.coordination.Timing;
import io.guestnode.agents.coordination.ZkCoordination;
import io.guestnode.agents.domain.DomainException;
import io.guestnode.agents.domain.DomainState;
import io.guestnode.agents.domain.LibvirtDomainAgent;
import io.guestnode.agents.fencing.DeadlineFile;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.DefinitionsDigest;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.engine.DomainSpecs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import io.guestnode.operator.planner.Overrides;
import io.guestnode.operator.planner.Placements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source's half of a relocation on a real ZooKeeper ensemble and libvirt's test driver: an operator's move makes
 * the leader mark the guest stopping with its target; the host leaves it out of its engine, keeps its claim while the
 * engine still works on it or libvirt has it running, and only then hands it over in one write (owner the target,
 * claim deleted); after that this host may not start it, and the target can claim it.
 */
class RelocationTest {
    static final Timing T = Timing.FAST;
    static TestingCluster ensemble;
    static LibvirtDomainAgent domains;

    @BeforeAll
    static void start() throws Exception {
        ensemble = new TestingCluster(3);
        ensemble.start();
        domains = new LibvirtDomainAgent();
    }

    @AfterAll
    static void stop() throws Exception {
        domains.close();
        ensemble.close();
    }

    /** An engine whose working set the test decides (as the real one keeps a removed guest until it is stopped). */
    static final class Engine extends ClusterModeTest.Share {
        volatile Set<String> working = Set.of("g1", "g2");
        final java.util.List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public Optional<Set<String>> working() {
            return Optional.of(working);
        }

        @Override
        public void note(String what) {
            notes.add(what);
        }

        volatile Placements placements = Placements.NONE;

        @Override
        public Overrides overrides() {
            return Overrides.NONE.withPlacements(placements);
        }

        @Override
        public void placements(Placements p) {
            placements = p;
        }
    }

    @Test
    void aMovedGuestIsHandedOverOnlyOnceItsEngineLetItGoAndItsDomainIsStopped(@TempDir Path tmp) throws Exception {
        String root = "/guestnode/reloc1";
        Definitions d = ClusterModeTest.defs(tmp, ClusterModeTest.freshPrefix(), 2);
        try (ZkCoordination h2 = new ZkCoordination(ensemble.getConnectString(), root, "h2", T);
             ClusterMode h1 = new ClusterMode(new ZkCoordination(ensemble.getConnectString(), root, "h1", T), T,
                     domains, new DeadlineFile(tmp.resolve("wd"), T.watchdogTimeout()), d)) {
            Engine engine = new Engine();
            h1.attach(engine);
            await("h1 leads and holds both", 10_000, () -> h1.held().equals(Set.of("g1", "g2")));
            h2.join(HostFacts.of(DefinitionsDigest.of(d)));
            VmResource g1 = d.vmOfNode("g1").orElseThrow();
            var guard = h1.guard();
            assertTrue(guard.start(DomainSpecs.of(g1), Duration.ofSeconds(5)).isRunning());
            long epoch = h2.guest("g1").orElseThrow().value().epoch();

            assertNull(h1.verbs().move("vm-g1", "h2", java.util.Optional.empty(), "test"));
            await("the leader marks g1 stopping, bound for h2", 5_000, () -> record(h2, "g1").phase()
                    == GuestRecord.Phase.STOPPING && record(h2, "g1").target().equals(Optional.of("h2")));
            await("the engine is no longer given g1", 5_000, () -> engine.last.guestNodes().equals(
                    java.util.List.of("g2")));
            // the engine still works on it and its domain runs: h1 keeps the claim
            Thread.sleep(1_000);
            assertEquals(Optional.of("h1"), h2.claimHolder("g1"), "no handover while the engine stops it");
            engine.working = Set.of("g2");
            Thread.sleep(1_000);
            assertEquals(Optional.of("h1"), h2.claimHolder("g1"), "no handover while libvirt has it running");
            domains.stop(DomainSpecs.of(g1), Duration.ofSeconds(5));

            await("handed over to h2", 5_000, () -> record(h2, "g1").owner().equals(Optional.of("h2")));
            GuestRecord handed = record(h2, "g1");
            assertEquals(GuestRecord.Phase.PLACED, handed.phase());
            assertEquals(epoch, handed.epoch(), "the epoch moves with h2's claim, not before");
            assertEquals(Optional.empty(), h2.claimHolder("g1"), "h1's claim went with the handover");
            await("h1 no longer holds it", 2_000, () -> h1.held().equals(Set.of("g2")));
            assertTrue(engine.notes.stream().anyMatch(n -> n.contains("g1: relocated (restart)")
                    && n.contains("handed over to h2")), engine.notes.toString());
            DomainException no = assertThrows(DomainException.class,
                    () -> guard.start(DomainSpecs.of(g1), Duration.ofSeconds(5)));
            assertEquals(DomainException.Kind.REFUSED, no.kind(), "h1 may not start what it handed over");
            assertEquals(DomainState.Status.STOPPED, domains.monitor(DomainSpecs.of(g1), Duration.ofSeconds(5))
                    .status());

            var r = h2.guest("g1").orElseThrow();
            assertInstanceOf(ClaimResult.Claimed.class, h2.claim("g1", r.version(), r.value().claimedBy("h2",
                    GuestRecord.Phase.RUNNING)), "the target claims it");
            assertEquals(epoch + 1, record(h2, "g1").epoch());
            Thread.sleep(1_000);
            assertEquals(GuestRecord.Phase.RUNNING, record(h2, "g1").phase(), "it stays on h2 (the preference)");
            assertFalse(h1.held().contains("g1"));
        }
    }

    @Test
    void standbyDrainsAHostAndNothingIsPlacedOnIt(@TempDir Path tmp) throws Exception {
        String root = "/guestnode/reloc2";
        Definitions d = ClusterModeTest.defs(tmp, ClusterModeTest.freshPrefix(), 2);
        try (ZkCoordination h2 = new ZkCoordination(ensemble.getConnectString(), root, "h2", T);
             ClusterMode h1 = new ClusterMode(new ZkCoordination(ensemble.getConnectString(), root, "h1", T), T,
                     domains, new DeadlineFile(tmp.resolve("wd"), T.watchdogTimeout()), d)) {
            Engine engine = new Engine();
            engine.working = Set.of();
            h1.attach(engine);
            await("h1 leads and holds both", 10_000, () -> h1.held().equals(Set.of("g1", "g2")));
            h2.join(HostFacts.of(DefinitionsDigest.of(d)));
            // h1 learns of h2's arrival through its own session, a moment later
            await("h1 sees h2 as a member", 10_000, () -> h1.verbs().standby("h9", true, "t").message().contains("h2"));
            assertEquals(io.guestnode.operator.api.Refusal.noSuch("'h9' is not a host of the cluster (members: h1, "
                    + "h2)"), h1.verbs().standby("h9", true, "t"));
            assertNull(h1.verbs().standby("h1", true, "test"));
            await("both handed over to h2", 10_000, () -> record(h2, "g1").owner().equals(Optional.of("h2"))
                    && record(h2, "g2").owner().equals(Optional.of("h2")));
            await("h1 holds nothing", 2_000, () -> h1.held().isEmpty());
            assertNull(h1.verbs().standby("h1", false, "test"));
            assertEquals(io.guestnode.operator.api.Refusal.noSuch("unknown guest node or VM resource 'nope'"),
                    h1.verbs().move("nope", "h2", java.util.Optional.empty(), "t"));

            // a service's move written on another host reaches this host's engine; its clear too
            HostOverridesDoc onH2 = new HostOverridesDoc(h2.document("host-overrides"));
            assertNull(onH2.update(o -> o.withServices(p -> p.withMove("web", "g2", Optional.empty()))));
            await("h1's engine plans with the move", 5_000, () -> engine.placements.preferred("web",
                    java.time.Instant.now()).equals(Optional.of("g2")));
            assertNull(h1.verbs().services("web", Optional.empty(), p -> p.cleared("web"), "clear web", "t"));
            await("and without it once cleared", 5_000, () -> engine.placements.isEmpty());
        }
    }

    static GuestRecord record(ZkCoordination zk, String guest) {
        try {
            return zk.guest(guest).orElseThrow().value();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
