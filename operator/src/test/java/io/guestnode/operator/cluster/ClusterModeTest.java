package io.guestnode.operator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import io.guestnode.operator.definitions.DefinitionsLoader;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.engine.DomainSpecs;
import io.guestnode.operator.planner.Event;
import io.guestnode.operator.planner.Observed;
import io.guestnode.operator.planner.Overrides;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One host of several, on a real three-server ZooKeeper ensemble (in this JVM) and libvirt's test driver: the leader
 * places, the host claims, only held guests start, a guest found running here that another host holds is destroyed
 * before the watchdog is fed, and a host cut off from the quorum destroys its guests and refuses starts (and, running
 * nothing, is not reset for it).
 */
class ClusterModeTest {
    static final Timing T = Timing.FAST;
    static TestingCluster ensemble;
    static LibvirtDomainAgent domains;
    static int roots;

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

    /** What the engine was handed, in order. */
    static class Share implements EnginePort {
        volatile Definitions last;
        final List<String> handed = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile Map<String, Map<String, Observed.Failure>> failures = Map.of();

        @Override
        public void share(Definitions d) {
            last = d;
            handed.add("share " + d.guestNodes());
        }

        @Override
        public void adopt(Event.HistoryAdopted h) {
            handed.add("adopt " + h.node() + " " + new java.util.TreeMap<>(h.failures()).keySet());
        }

        @Override
        public java.util.SortedMap<io.guestnode.operator.planner.ResourceNode, Observed.Failure> failures() {
            java.util.SortedMap<io.guestnode.operator.planner.ResourceNode, Observed.Failure> out =
                    new java.util.TreeMap<>();
            failures.forEach((node, f) -> f.forEach((svc, x) ->
                    out.put(new io.guestnode.operator.planner.ResourceNode(svc, node), x)));
            return out;
        }

        @Override
        public Overrides overrides() {
            return Overrides.NONE;
        }
    }

    /** Definitions of {@code n} guest nodes g1..gn, each a domain of libvirt's test driver named after a prefix. */
    static Definitions defs(Path dir, String prefix, int n) throws Exception {
        StringBuilder cib = new StringBuilder("<configuration><resources>");
        for (int i = 1; i <= n; i++) {
            String name = prefix + "-g" + i;
            Path xml = Files.writeString(dir.resolve(name + ".xml"), "<domain type='test'><name>" + name
                    + "</name><memory unit='MiB'>64</memory><os><type>hvm</type></os></domain>");
            cib.append("""
                    <primitive id="vm-g%1$d" class="ocf" provider="heartbeat" type="VirtualDomain">
                      <instance_attributes id="vm-g%1$d-ia">
                        <nvpair id="vm-g%1$d-c" name="config" value="%2$s"/>
                        <nvpair id="vm-g%1$d-h" name="hypervisor" value="test:///default"/>
                        <nvpair id="vm-g%1$d-f" name="force_stop" value="true"/>
                      </instance_attributes>
                      <meta_attributes id="vm-g%1$d-m"><nvpair id="vm-g%1$d-rn" name="remote-node" value="g%1$d"/>
                      </meta_attributes>
                    </primitive>
                    """.formatted(i, xml));
        }
        Path f = Files.writeString(dir.resolve(prefix + ".cib.xml"), cib + "</resources></configuration>");
        DefinitionsLoader.Result r = new DefinitionsLoader("h1").load(List.of(f));
        assertTrue(r.ok(), r.problems().toString());
        return r.definitions();
    }

    static String freshPrefix() {
        return "gn-cm-" + UUID.randomUUID().toString().substring(0, 6);
    }

    static void await(String what, long ms, BooleanSupplier p) throws InterruptedException {
        long end = System.nanoTime() + ms * 1_000_000;
        while (!p.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + ms + " ms: " + what);
            }
            Thread.sleep(50);
        }
    }

    static DomainState.Status status(Definitions d, String node) {
        VmResource vm = d.vmOfNode(node).orElseThrow();
        return domains.monitor(DomainSpecs.of(vm), Duration.ofSeconds(5)).status();
    }

    /** The guest's record names h1 at {@code epoch}, running, and nobody holds its claim. */
    static void ownedWithoutClaim(ZkCoordination zk, String guest, long epoch) throws Exception {
        assertTrue(zk.writeRecord(guest, -1, new GuestRecord(Optional.of("h1"), epoch, GuestRecord.Phase.RUNNING,
                Optional.empty())));
    }

    static long resetAt(Path f) throws Exception {
        return Files.exists(f) ? Long.parseLong(Files.readString(f).trim()) : 0;
    }

    @Test
    void theLeaderPlacesTheHostClaimsAndOnlyHeldGuestsStart(@TempDir Path tmp) throws Exception {
        String root = "/guestnode/cm" + (++roots);
        Definitions d = defs(tmp, freshPrefix(), 3);
        try (ZkCoordination other = new ZkCoordination(ensemble.getConnectString(), root, "h2", T)) {
            // g3 is another host's: its record and its claim
            assertInstanceOf(ClaimResult.Claimed.class, other.claim("g3", -1,
                    GuestRecord.NEW.claimedBy("h2", GuestRecord.Phase.RUNNING)));
            // g2's record names h1, running, and nobody holds its claim (h1's earlier session ended): h1 claims it
            ownedWithoutClaim(other, "g2", 7);
            Path wd = tmp.resolve("watchdog-deadline");
            Share share = new Share();
            try (ClusterMode h1 = new ClusterMode(new ZkCoordination(ensemble.getConnectString(), root, "h1", T), T,
                    domains, new DeadlineFile(wd, T.watchdogTimeout()), d)) {
                assertTrue(h1.settled(), "nothing ran here");
                h1.attach(share);
                await("h1 holds g1 and g2", 10_000, () -> h1.held().equals(Set.of("g1", "g2")));
                await("the engine has them", 5_000, () -> share.last != null && share.last.vms().size() == 2);
                assertEquals(List.of("g1", "g2"), share.last.guestNodes());
                assertEquals(8, other.guest("g2").orElseThrow().value().epoch(), "g2 claimed again: epoch + 1");
                var guarded = h1.guard();
                VmResource g1 = d.vmOfNode("g1").orElseThrow();
                VmResource g3 = d.vmOfNode("g3").orElseThrow();
                assertTrue(guarded.start(DomainSpecs.of(g1), Duration.ofSeconds(5)).isRunning());
                DomainException no = assertThrows(DomainException.class,
                        () -> guarded.start(DomainSpecs.of(g3), Duration.ofSeconds(5)));
                assertEquals(DomainException.Kind.REFUSED, no.kind());
                assertTrue(no.getMessage().contains("does not hold the claim of g3"), no.getMessage());
                assertEquals(DomainState.Status.STOPPED, status(d, "g3"));
                await("the watchdog is fed", 3_000, () -> {
                    try {
                        return resetAt(wd) > System.currentTimeMillis();
                    } catch (Exception e) {
                        return false;
                    }
                });
                domains.destroy(DomainSpecs.of(g1), Duration.ofSeconds(5));
            }
            assertEquals(0, resetAt(wd), "a planned stop disarms the watchdog");
            assertEquals(GuestRecord.Phase.FROZEN, other.guest("g1").orElseThrow().value().phase(),
                    "a planned stop freezes what the host held");
        }
    }

    /**
     * Another client took a guest's remoted over: the host re-reads the claim; the guest it holds keeps running, a copy
     * of a guest whose claim another host holds is destroyed at once.
     */
    @Test
    void afterATakeoverOnlyACopyThisHostDoesNotOwnIsDestroyed(@TempDir Path tmp) throws Exception {
        String root = "/guestnode/cm" + (++roots);
        Definitions d = defs(tmp, freshPrefix(), 2);
        try (ZkCoordination other = new ZkCoordination(ensemble.getConnectString(), root, "h2", T)) {
            assertInstanceOf(ClaimResult.Claimed.class, other.claim("g2", -1,
                    GuestRecord.NEW.claimedBy("h2", GuestRecord.Phase.RUNNING)));
            Share share = new Share();
            try (ClusterMode h1 = new ClusterMode(new ZkCoordination(ensemble.getConnectString(), root, "h1", T), T,
                    domains, new DeadlineFile(tmp.resolve("wd"), T.watchdogTimeout()), d)) {
                h1.attach(share);
                await("h1 holds g1", 10_000, () -> h1.held().equals(Set.of("g1")));
                VmResource g1 = d.vmOfNode("g1").orElseThrow();
                VmResource g2 = d.vmOfNode("g2").orElseThrow();
                assertTrue(h1.guard().start(DomainSpecs.of(g1), Duration.ofSeconds(5)).isRunning());
                // a copy of g2 here, behind the guard's back, while h2 holds its claim
                assertTrue(domains.start(DomainSpecs.of(g2), Duration.ofSeconds(5)).isRunning());
                assertTrue(h1.stillOwner("g1"), "h1 holds g1's claim");
                assertEquals(DomainState.Status.RUNNING, status(d, "g1"), "the owner keeps its guest");
                assertFalse(h1.stillOwner("g2"), "h2 holds g2's claim");
                assertEquals(DomainState.Status.STOPPED, status(d, "g2"), "the copy h1 does not own is destroyed");
                assertEquals(Set.of("g1"), h1.held());
                domains.destroy(DomainSpecs.of(g1), Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void aGuestsHistoryComesWithItAndIsPublishedByItsHost(@TempDir Path tmp) throws Exception {
        String root = "/guestnode/cm" + (++roots);
        Definitions d = defs(tmp, freshPrefix(), 2);
        Observed.Failure web = new Observed.Failure(2, "monitor", 10_000, 7, "complete", "not running", "restart",
                java.time.Instant.parse("2026-12-01T07:00:00Z"));
        try (ZkCoordination other = new ZkCoordination(ensemble.getConnectString(), root, "h2", T)) {
            // g2 ran on h2 (gone now), where web failed twice: its record names h1, its history says so
            assertTrue(other.writeRecord("g2", -1, new GuestRecord(Optional.of("h1"), 3,
                    GuestRecord.Phase.RECOVERING, Optional.empty())));
            other.writeHistory("g2", GuestHistory.encode(Map.of("web", web)));
            Share share = new Share();
            share.failures = Map.of("g1", Map.of("db", web));
            try (ClusterMode h1 = new ClusterMode(new ZkCoordination(ensemble.getConnectString(), root, "h1", T), T,
                    domains, new DeadlineFile(tmp.resolve("wd"), T.watchdogTimeout()), d)) {
                h1.attach(share);
                await("h1 holds both", 10_000, () -> h1.held().equals(Set.of("g1", "g2")));
                await("the engine has both", 5_000, () -> share.last != null && share.last.vms().size() == 2);
                int adopt = share.handed.indexOf("adopt g2 [web]");
                assertTrue(adopt >= 0, share.handed.toString());
                assertTrue(share.handed.subList(0, adopt).stream().noneMatch(x -> x.contains("g2")),
                        "the failures came before the guest: " + share.handed);
                await("g1's history published", 5_000, () -> {
                    try {
                        return other.readHistory("g1").map(b -> GuestHistory.decode("g1", b))
                                .equals(Optional.of(Map.of("db", web)));
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
        }
    }

    @Test
    void aHostWhoseDefinitionsDifferFromTheLeadersTakesNoGuestUntilTheyMatch(@TempDir Path tmp) throws Exception {
        String root = "/guestnode/cm" + (++roots);
        Definitions a = defs(Files.createDirectories(tmp.resolve("a")), freshPrefix(), 2);
        Definitions b = defs(Files.createDirectories(tmp.resolve("b")), freshPrefix(), 3);
        try (ClusterMode h1 = new ClusterMode(new ZkCoordination(ensemble.getConnectString(), root, "h1", T), T,
                domains, new DeadlineFile(tmp.resolve("wd1"), T.watchdogTimeout()), a)) {
            h1.attach(new Share());
            await("h1 leads and holds g1 and g2", 10_000, () -> h1.held().equals(Set.of("g1", "g2")));
            try (ClusterMode h2 = new ClusterMode(new ZkCoordination(ensemble.getConnectString(), root, "h2", T), T,
                    domains, new DeadlineFile(tmp.resolve("wd2"), T.watchdogTimeout()), b)) {
                h2.attach(new Share());
                await("the leader sees h2 differ", 5_000, () -> h1.view() != null
                        && h1.view().differ().equals(List.of("h2")) && h1.view().hosts().size() == 2);
                Thread.sleep(1_000);
                assertEquals(Set.of(), h2.held(), "h2 takes nothing while its definitions differ");
                try (ZkCoordination reader = new ZkCoordination(ensemble.getConnectString(), root, "r", T)) {
                    assertEquals(Optional.empty(), reader.guest("g3"), "g3, known to h2 only, is placed nowhere");
                }
                h2.definitions(a);
                await("the same definitions on both", 5_000, () -> h1.view().differ().isEmpty());
                for (VmResource vm : a.vms()) {
                    domains.destroy(DomainSpecs.of(vm), Duration.ofSeconds(5));
                }
            }
        }
    }

    @Test
    void aGuestRunningHereThatAnotherHostHoldsIsDestroyedBeforeTheWatchdogIsFed(@TempDir Path tmp)
            throws Exception {
        String root = "/guestnode/cm" + (++roots);
        Definitions d = defs(tmp, freshPrefix(), 2);
        for (VmResource vm : d.vms()) {
            domains.start(DomainSpecs.of(vm), Duration.ofSeconds(5)); // left running by an earlier daemon
        }
        try (ZkCoordination other = new ZkCoordination(ensemble.getConnectString(), root, "h2", T)) {
            assertInstanceOf(ClaimResult.Claimed.class, other.claim("g1", -1,
                    GuestRecord.NEW.claimedBy("h2", GuestRecord.Phase.RUNNING)));
            // g2's record still names h1 (its claim vanished with h1's earlier session)
            ownedWithoutClaim(other, "g2", 4);
            Path wd = tmp.resolve("watchdog-deadline");
            try (ClusterMode h1 = new ClusterMode(new ZkCoordination(ensemble.getConnectString(), root, "h1", T), T,
                    domains, new DeadlineFile(wd, T.watchdogTimeout()), d)) {
                assertFalse(h1.settled(), "two guests run here and are not yet claimed");
                Share share = new Share();
                h1.attach(share);
                await("settled", 10_000, h1::settled);
                assertEquals(DomainState.Status.STOPPED, status(d, "g1"), "h2 holds g1: destroyed here");
                assertEquals(DomainState.Status.RUNNING, status(d, "g2"), "g2 claimed again, left running");
                assertEquals(Set.of("g2"), h1.held());
                assertEquals(5, other.guest("g2").orElseThrow().value().epoch(), "claimed again: epoch + 1");
                await("fed", 3_000, () -> {
                    try {
                        return resetAt(wd) > 0;
                    } catch (Exception e) {
                        return false;
                    }
                });
                domains.destroy(DomainSpecs.of(d.vmOfNode("g2").orElseThrow()), Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void cutOffFromTheQuorumTheHostDestroysItsGuestsAndRefusesStarts(@TempDir Path tmp) throws Exception {
        Definitions d = defs(tmp, freshPrefix(), 2);
        try (TestingCluster own = new TestingCluster(3)) {
            own.start();
            Path wd = tmp.resolve("watchdog-deadline");
            try (ClusterMode h1 = new ClusterMode(new ZkCoordination(own.getConnectString(), "/guestnode/q", "h1", T),
                    T, domains, new DeadlineFile(wd, T.watchdogTimeout()), d)) {
                Share share = new Share();
                h1.attach(share);
                await("h1 holds both", 10_000, () -> h1.held().size() == 2);
                await("the engine has both", 5_000, () -> share.last != null && share.last.vms().size() == 2);
                var guarded = h1.guard();
                for (VmResource vm : d.vms()) {
                    assertTrue(guarded.start(DomainSpecs.of(vm), Duration.ofSeconds(5)).isRunning());
                }
                long fed = resetAt(wd);
                long cut = System.nanoTime();
                List<org.apache.curator.test.InstanceSpec> servers = List.copyOf(own.getInstances());
                own.killServer(servers.get(0));
                own.killServer(servers.get(1));
                await("every guest destroyed", 15_000, () -> status(d, "g1") == DomainState.Status.STOPPED
                        && status(d, "g2") == DomainState.Status.STOPPED);
                long took = (System.nanoTime() - cut) / 1_000_000;
                assertTrue(took < T.selfFenceAfter().toMillis() + 3_000, "destroyed " + took + " ms after the cut");
                DomainException no = assertThrows(DomainException.class,
                        () -> guarded.start(DomainSpecs.of(d.vms().get(0)), Duration.ofSeconds(5)));
                assertEquals(DomainException.Kind.REFUSED, no.kind());
                assertEquals(Set.of(), h1.held());
                await("the engine is left nothing to run", 5_000, () -> share.last.vms().isEmpty());
                long leaseEnd = fed - T.watchdogTimeout().toMillis();
                await("an empty host's watchdog is fed past the lease it lost", 8_000, () -> {
                    try {
                        return resetAt(wd) > leaseEnd + T.selfFenceAfter().toMillis() + T.watchdogTimeout().toMillis();
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
        }
    }
}
