package io.guestnode.operator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.agents.coordination.GuestRecord;
import io.guestnode.agents.coordination.Timing;
import io.guestnode.agents.coordination.ZkCoordination;
import io.guestnode.operator.api.Refusal;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.planner.ScenarioCibs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Moves of services with several hosts, on a real ZooKeeper server: a service runs among the guests of the host that
 * runs the first guest node of its part of the cluster, so a move to a guest node another host runs is refused.
 */
class HostVerbsTest {
    /** guest1 and guest2, dummy1 pinned to guest1 and dummy2 to guest2 (the scenarios' CIB). */
    static Definitions twoGuests(Path dir) throws Exception {
        return ScenarioCibs.named("_two-guests.xml", "h1", dir);
    }

    @Test
    void aServiceIsNotMovedToAGuestNodeAnotherHostRuns(@TempDir Path dir) throws Exception {
        Definitions d = twoGuests(dir);
        try (TestingServer zk = new TestingServer();
             ZkCoordination h1 = new ZkCoordination(zk.getConnectString(), "/guestnode/v1", "h1", Timing.FAST)) {
            GuestRecord placed = new GuestRecord(Optional.empty(), 1, GuestRecord.Phase.RUNNING, Optional.empty());
            assertTrue(h1.writeRecord("guest1", -1, new GuestRecord(Optional.of("h1"), 1, placed.phase(),
                    Optional.empty())));
            assertTrue(h1.writeRecord("guest2", -1, new GuestRecord(Optional.of("h2"), 1, placed.phase(),
                    Optional.empty())));
            HostOverridesDoc doc = new HostOverridesDoc(h1.document("host-overrides"));
            HostVerbs verbs = new HostVerbs(() -> d, doc, h1);
            assertEquals(Optional.of("h1"), verbs.decidedBy("dummy1"));
            assertEquals(Optional.of("h2"), verbs.decidedBy("dummy2"));

            Refusal no = verbs.services("dummy1", Optional.of("guest2"), p -> p.withMove("dummy1", "guest2",
                    Optional.empty()), "move dummy1 to guest2", "t");
            assertEquals(Refusal.refused("dummy1 runs among the guest nodes of h1, and guest2 runs on h2: move "
                    + "guest2 to h1 first (guestnode move guest2 h1)"), no);
            assertTrue(doc.read().services().isEmpty(), "nothing written");

            assertNull(verbs.services("dummy2", Optional.empty(), p -> p.withBan("dummy2", "guest2",
                    Optional.empty()), "ban dummy2 from guest2", "t"), "a ban needs no other host");
            assertNull(verbs.services("dummy1", Optional.of("guest1"), p -> p.withMove("dummy1", "guest1",
                    Optional.empty()), "move dummy1 to guest1", "t"));
            assertEquals(Optional.of("guest1"), doc.read().services().preferred("dummy1", Instant.now()));
        }
    }
}
