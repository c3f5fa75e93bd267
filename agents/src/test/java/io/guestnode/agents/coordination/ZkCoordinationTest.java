package io.guestnode.agents.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.curator.test.TestingCluster;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ZooKeeper layer on a real three-server ensemble (in this JVM): claims, versions, sessions. */
class ZkCoordinationTest {
    private static TestingCluster cluster;
    private static int roots;

    @BeforeAll
    static void ensemble() throws Exception {
        cluster = new TestingCluster(3);
        cluster.start();
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    private static String freshRoot() {
        return "/guestnode/test" + (++roots);
    }

    private static ZkCoordination host(String root, String name) throws CoordinationException {
        ZkCoordination c = new ZkCoordination(cluster.getConnectString(), root, name, Timing.DEFAULT);
        c.join("addr=10.77.0.1");
        return c;
    }

    @Test
    void ofTwoHostsClaimingANewGuestAtOnceExactlyOneWins() throws Exception {
        String root = freshRoot();
        try (ZkCoordination h1 = host(root, "h1"); ZkCoordination h2 = host(root, "h2");
             var pool = Executors.newFixedThreadPool(2)) {
            for (int g = 0; g < 20; g++) {
                String guest = "guest" + g;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<ClaimResult>> tries = new ArrayList<>();
                for (ZkCoordination h : List.of(h1, h2)) {
                    tries.add(pool.submit(() -> {
                        go.await();
                        return h.claim(guest, -1, GuestRecord.NEW.claimedBy(h.host(), GuestRecord.Phase.PLACED));
                    }));
                }
                go.countDown();
                ClaimResult a = tries.get(0).get();
                ClaimResult b = tries.get(1).get();
                assertTrue(a instanceof ClaimResult.Claimed ^ b instanceof ClaimResult.Claimed, a + " / " + b);
                String winner = a instanceof ClaimResult.Claimed ? "h1" : "h2";
                assertEquals(Optional.of(winner), h1.claimHolder(guest));
                assertEquals(Optional.of(winner), h2.guest(guest).orElseThrow().value().owner());
                assertEquals(winner.equals("h1"), h1.holdsClaim(guest));
                assertEquals(winner.equals("h2"), h2.holdsClaim(guest));
            }
        }
    }

    @Test
    void aClaimFromAStaleVersionWritesNothing() throws Exception {
        String root = freshRoot();
        try (ZkCoordination h1 = host(root, "h1"); ZkCoordination h2 = host(root, "h2")) {
            assertInstanceOf(ClaimResult.Claimed.class, h1.claim("guest1", -1,
                    GuestRecord.NEW.claimedBy("h1", GuestRecord.Phase.RUNNING)));
            Versioned<GuestRecord> seen = h2.guest("guest1").orElseThrow();
            h1.release("guest1");
            assertInstanceOf(ClaimResult.Claimed.class, h1.claim("guest1", seen.version(),
                    seen.value().claimedBy("h1", GuestRecord.Phase.RUNNING)));
            ClaimResult late = h2.claim("guest1", seen.version(), seen.value().claimedBy("h2", GuestRecord.Phase.RUNNING));
            assertInstanceOf(ClaimResult.Lost.class, late);
            assertTrue(((ClaimResult.Lost) late).why().contains("claim held by h1"), late.toString());
            assertEquals(2, h2.guest("guest1").orElseThrow().value().epoch());
        }
    }

    @Test
    void aClaimVanishesWithItsHostsSessionAndTheGuestCanBeClaimedAgainInTheNextEpoch() throws Exception {
        String root = freshRoot();
        try (ZkCoordination h1 = host(root, "h1"); ZkCoordination h2 = host(root, "h2")) {
            h1.claim("guest1", -1, GuestRecord.NEW.claimedBy("h1", GuestRecord.Phase.RUNNING));
            assertEquals(Set.of("h1", "h2"), h2.hosts());
            // h1's session ends (as when the server expires it after h1 fell silent): its ephemeral nodes go with it
            h1.close();
            long until = System.nanoTime() + 30_000_000_000L;
            while (h2.claimHolder("guest1").isPresent() && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertEquals(Optional.empty(), h2.claimHolder("guest1"));
            assertFalse(h2.hosts().contains("h1"), "h1 is no longer a member");
            Versioned<GuestRecord> r = h2.guest("guest1").orElseThrow();
            assertEquals(Optional.of("h1"), r.value().owner(), "the record stays until a survivor changes it");
            ClaimResult c = h2.claim("guest1", r.version(), r.value().claimedBy("h2", GuestRecord.Phase.RECOVERING));
            assertEquals(2, ((ClaimResult.Claimed) c).record().epoch());
            assertEquals(Optional.of("h2"), h2.claimHolder("guest1"));
        }
    }

    /** Every write and read the host sends is counted, background heartbeats included; nothing else is. */
    @Test
    void theHostCountsItsWritesAndReads() throws Exception {
        String root = freshRoot();
        try (ZkCoordination h1 = host(root, "h1")) {
            ZkCoordination.Traffic before = h1.traffic();
            assertTrue(before.writes() >= 1, "joining is a write: " + before);
            assertTrue(h1.writeRecord("g1", -1, GuestRecord.NEW));
            assertInstanceOf(ClaimResult.Claimed.class, h1.claim("g2", -1,
                    GuestRecord.NEW.claimedBy("h1", GuestRecord.Phase.RUNNING)));
            ZkCoordination.Traffic written = h1.traffic();
            assertEquals(before.writes() + 2, written.writes(), "a record and a claim (one transaction)");
            h1.snapshot();
            h1.holdsClaim("g2");
            ZkCoordination.Traffic read = h1.traffic();
            assertEquals(written.writes(), read.writes(), "reads write nothing");
            assertTrue(read.reads() >= written.reads() + 4, "sync, lists and data reads: " + read);
            java.util.concurrent.CountDownLatch acked = new java.util.concurrent.CountDownLatch(1);
            h1.heartbeatWriter().write(System.nanoTime(), t -> acked.countDown());
            assertTrue(acked.await(5, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(read.writes() + 1, h1.traffic().writes(), "a heartbeat is a write");
        }
    }

    @Test
    void aSecondDaemonWithTheSameNodeNameIsRefused() throws Exception {
        String root = freshRoot();
        try (ZkCoordination h1 = host(root, "h1");
             ZkCoordination again = new ZkCoordination(cluster.getConnectString(), root, "h1", Timing.DEFAULT)) {
            CoordinationException e = assertThrows(CoordinationException.class, () -> again.join("addr=10.77.0.9"));
            assertTrue(e.getMessage().contains("another guestnode running with this node name"), e.getMessage());
            assertTrue(h1.hosts().contains("h1"));
        }
    }

    @Test
    void theLeaderReadsEverythingAtOnceAndWritesOnlyFromTheVersionItRead() throws Exception {
        String root = freshRoot();
        try (ZkCoordination h1 = host(root, "h1"); ZkCoordination h2 = host(root, "h2")) {
            assertTrue(h1.writeRecord("guest1", -1, new GuestRecord(Optional.of("h2"), 0, GuestRecord.Phase.PLACED,
                    Optional.empty())));
            assertFalse(h1.writeRecord("guest1", -1, GuestRecord.NEW), "a record exists already");
            Versioned<GuestRecord> placed = h2.guest("guest1").orElseThrow();
            assertInstanceOf(ClaimResult.Claimed.class, h2.claim("guest1", placed.version(),
                    placed.value().claimedBy("h2", GuestRecord.Phase.RUNNING)));
            assertFalse(h1.writeRecord("guest1", placed.version(), placed.value()), "the claim changed the version");
            // a record nobody can read: reported, never guessed at
            try (ZooKeeper raw = new ZooKeeper(cluster.getConnectString(), 10_000, e -> { })) {
                raw.create(root + "/guests/guest9", "owner=h1\nepoch=x".getBytes(),
                        org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE, org.apache.zookeeper.CreateMode.PERSISTENT);
            }
            Coordination.Snapshot s = h1.snapshot();
            assertEquals(Set.of("h1", "h2"), s.hosts());
            assertEquals(Optional.of("h2"), s.guests().get("guest1").value().owner());
            assertEquals(1, s.guests().get("guest1").value().epoch());
            assertEquals("h2", s.claims().get("guest1"));
            assertTrue(s.unreadable().get("guest9").contains("guests/guest9: field phase missing"), s.unreadable().toString());
        }
    }

    @Test
    void badNamesAndRootsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ZkCoordination(cluster.getConnectString(), "guestnode", "h1", Timing.DEFAULT));
        assertEquals("ZooKeeper root 'guestnode' is not a path like /guestnode/cluster1", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new ZkCoordination(cluster.getConnectString(), "/g", "../h1", Timing.DEFAULT));
    }
}
