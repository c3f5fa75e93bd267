package io.guestnode.operator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.agents.coordination.Timing;
import io.guestnode.agents.coordination.ZkCoordination;
import io.guestnode.operator.planner.HostOverrides;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/** The operators' host overrides as a document on a real ZooKeeper server: round trip, races, broken documents. */
class HostOverridesDocTest {
    @Test
    void everyHostReadsWhatAnyHostWroteAndConcurrentChangesAreBothKept() throws Exception {
        try (TestingServer zk = new TestingServer();
             ZkCoordination a = new ZkCoordination(zk.getConnectString(), "/guestnode/o1", "h1", Timing.FAST);
             ZkCoordination b = new ZkCoordination(zk.getConnectString(), "/guestnode/o1", "h2", Timing.FAST)) {
            HostOverridesDoc onA = new HostOverridesDoc(a.document("host-overrides"));
            HostOverridesDoc onB = new HostOverridesDoc(b.document("host-overrides"));
            assertEquals(HostOverrides.NONE, onB.read(), "nothing written yet");
            assertNull(onA.update(o -> o.withPrefer("guest1", "h2")));
            assertNull(onB.update(o -> o.withStandby("h1", true).withBan("guest2", "h3")));
            HostOverrides both = HostOverrides.NONE.withPrefer("guest1", "h2").withBan("guest2", "h3")
                    .withStandby("h1", true);
            assertEquals(both, onA.read(), "b's write is made on top of a's");
            assertEquals(both, onB.read());
            assertNull(onA.update(o -> o.cleared("guest1").withStandby("h1", false)));
            assertEquals(HostOverrides.NONE.withBan("guest2", "h3"), onB.read());
            // a service's move with its lifetime, written on one host, read on the other
            Instant end = Instant.parse("2026-12-03T12:00:00Z");
            assertNull(onB.update(o -> o.withServices(p -> p.withMove("dummy1", "guest2", Optional.of(end)))));
            assertEquals(Optional.of("guest2"), onA.read().services().preferred("dummy1", end.minusSeconds(1)));
            assertEquals(Optional.empty(), onA.read().services().preferred("dummy1", end), "its lifetime ended");
        }
    }

    @Test
    void aBrokenDocumentIsReportedByLineAndNeverActedOn() throws Exception {
        try (TestingServer zk = new TestingServer();
             ZkCoordination a = new ZkCoordination(zk.getConnectString(), "/guestnode/o2", "h1", Timing.FAST)) {
            HostOverridesDoc doc = new HostOverridesDoc(a.document("host-overrides"));
            assertNull(doc.update(o -> o.withStandby("h2", true)));
            assertEquals(Set.of("h2"), doc.read().standby());
            var raw = a.document("host-overrides");
            int v = raw.read().orElseThrow().version();
            assertTrue(raw.write(v, "standby h3\nmove guest1 h2\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals(Set.of("h2"), doc.read().standby(), "the last good overrides stay in force");
            String why = doc.update(o -> o.withStandby("h4", true));
            assertTrue(why.contains("line 2: 'move guest1 h2' is not"), why);
            assertEquals("move guest1 h2", new String(raw.read().orElseThrow().value(), StandardCharsets.UTF_8)
                    .split("\n")[1], "nothing changed");
        }
    }

    /** What the document cannot hold is refused before it is written: one bad name would break it for every host. */
    @Test
    void aChangeTheDocumentCannotHoldIsRefusedAndABrokenOneIsNotTheClustersWord() throws Exception {
        try (TestingServer zk = new TestingServer();
             ZkCoordination a = new ZkCoordination(zk.getConnectString(), "/guestnode/o3", "h1", Timing.FAST)) {
            HostOverridesDoc doc = new HostOverridesDoc(a.document("host-overrides"));
            doc.read();
            assertTrue(doc.known(), "no document yet: no overrides, known");
            String why = doc.update(o -> o.withServices(p -> p.withMove("_web", "guest1", Optional.empty())));
            assertTrue(why.startsWith("the change cannot be kept in the cluster's host overrides"), why);
            assertNull(doc.update(o -> o.withStandby("h2", true)), "the document still takes good changes");
            assertEquals(Set.of("h2"), doc.read().standby());

            HostOverridesDoc fresh = new HostOverridesDoc(a.document("host-overrides"));
            var raw = a.document("host-overrides");
            assertTrue(raw.write(raw.read().orElseThrow().version(),
                    "prefer-service web guest1\nprefer-service web guest2\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals(HostOverrides.NONE, fresh.read(), "two moves of one service: not read");
            assertFalse(fresh.known(), "a host that only saw a broken document does not follow it");
        }
    }

    @Test
    void decodeNamesWhatIsWrong() {
        assertEquals("host overrides, line 1: 'standby ../x' is not 'prefer GUEST HOST [UNTIL]', 'ban GUEST HOST "
                + "[UNTIL]', 'prefer-service SERVICE GUEST [UNTIL]', 'ban-service SERVICE GUEST [UNTIL]' or 'standby "
                + "HOST'", assertThrows(IllegalArgumentException.class,
                () -> HostOverridesDoc.decode("standby ../x\n".getBytes(StandardCharsets.UTF_8))).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> HostOverridesDoc.decode("prefer guest1\n".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class,
                () -> HostOverridesDoc.decode(new byte[HostOverridesDoc.MAX_BYTES + 1]));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HostOverridesDoc.decode(
                "ban-service dummy1 guest2 tomorrow\n".getBytes(StandardCharsets.UTF_8))).getMessage()
                .contains("its end 'tomorrow' is not a time"));
        HostOverrides o = HostOverrides.NONE.withPrefer("g", "h1").withBan("g", "h2", Optional.of(Instant.EPOCH))
                .withBan("g", "h3").withStandby("h4", true).withServices(p -> p.withBan("s", "g", Optional.of(
                        Instant.parse("2026-12-03T12:00:00Z"))).withMove("s", "g2", Optional.empty()));
        assertEquals(o, HostOverridesDoc.decode(HostOverridesDoc.encode(o)));
        // a document written before lifetimes and services existed reads as it did
        assertEquals(HostOverrides.NONE.withPrefer("g", "h1").withStandby("h2", true), HostOverridesDoc.decode(
                "prefer g h1\nstandby h2\n".getBytes(StandardCharsets.UTF_8)));
    }
}
