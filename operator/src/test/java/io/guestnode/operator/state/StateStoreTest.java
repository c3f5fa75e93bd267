package io.guestnode.operator.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.engine.Engine;
import io.guestnode.operator.planner.Observed;
import io.guestnode.operator.planner.Observed.Failure;
import io.guestnode.operator.planner.Observed.Guest;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.Overrides;
import io.guestnode.operator.planner.Placements;
import io.guestnode.operator.planner.Plan;
import io.guestnode.operator.planner.ResourceNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    static Engine.Snapshot snapshot() {
        ObservedState.Mutable m = ObservedState.EMPTY.edit();
        m.failures.put(new ResourceNode("dummy1", "guest1"), new Failure(2, "monitor", 10_000, 7, "complete", "gone",
                "restart", Instant.parse("2026-01-01T00:00:00Z")));
        m.guests.put("guest1", new Guest(true, "connection lost", Observed.UncleanCause.GUEST_FAILED, 2, "libvirt did not answer", 3,
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:04Z"), Instant.EPOCH));
        m.fenceBegan(Instant.parse("2026-01-01T00:00:00Z"));
        Overrides o = Overrides.NONE.withTargetRole("vm-guest2", TargetRole.STOPPED).withMaintenance("guest3", true)
                .withPlacements(Placements.NONE.withMove("dummy1", "guest2", Optional.empty())
                        .withBan("dummy2", "guest1", Optional.of(Instant.parse("2026-01-01T01:00:00Z"))));
        return new Engine.Snapshot(Definitions.empty("host1"), m.done(), o, new Plan(List.of(), Optional.empty(), Map.of()),
                List.of(new Engine.Journal.Entry(Instant.parse("2026-01-01T00:00:01Z"), "fence guest1")),
                Instant.parse("2026-01-01T00:00:02Z"), 1);
    }

    @Test
    void failCountsOverridesAndJournalSurviveARestart(@TempDir Path dir) throws Exception {
        new StateStore(dir).save(snapshot());
        StateStore.Loaded l = new StateStore(dir).load();
        Failure f = l.state().failure("dummy1", "guest1").orElseThrow();
        assertEquals(2, f.count());
        assertEquals("gone", f.reason());
        assertEquals(TargetRole.STOPPED, l.overrides().targetRoles().get("vm-guest2"));
        assertEquals(Set.of("guest3"), l.overrides().maintenanceGuests());
        assertEquals(snapshot().overrides().placements(), l.overrides().placements(), "moves and bans, with lifetimes");
        assertEquals(2, l.overrides().placements().rules().size());
        assertEquals("fence guest1", l.journal().get(0).what());
        assertTrue(Files.notExists(dir.resolve("state.json.tmp")), "written through a temporary file, renamed");
        assertTrue(l.problem().isEmpty());
    }

    /** A crash in the middle of a fence must not forget the fence, nor the crash-loop back-off. */
    @Test
    void anUncleanGuestStaysUncleanAcrossARestart(@TempDir Path dir) throws Exception {
        new StateStore(dir).save(snapshot());
        Guest g = new StateStore(dir).load().state().guest("guest1");
        assertTrue(g.unclean());
        assertEquals("connection lost", g.uncleanReason());
        assertEquals(Observed.UncleanCause.GUEST_FAILED, g.cause(), "its cause is kept with its words");
        assertEquals(2, g.fenceFailures());
        assertEquals(3, g.recoveries());
        assertEquals(Instant.parse("2026-01-01T00:00:04Z"), g.backoffUntil());
        assertEquals(List.of(Instant.parse("2026-01-01T00:00:00Z")), new StateStore(dir).load().state().fences(),
                "a restart does not reset the fence limit");
    }

    /**
     * A file written before the cause of an unclean guest was kept: the guest stays unclean, read as settled by its
     * fence (what ran in it is probed afresh), whatever the words of its reason.
     */
    @Test
    void anUncleanGuestOfAnOlderFileIsSettledByItsFence(@TempDir Path dir) throws Exception {
        new StateStore(dir).save(snapshot());
        Path f = dir.resolve("state.json");
        String json = Files.readString(f);
        String older = json.replaceAll("\"cause\"\\s*:\\s*\"GUEST_FAILED\"\\s*,", "");
        assertTrue(older.length() < json.length(), json);
        Files.writeString(f, older);
        StateStore.Loaded l = new StateStore(dir).load();
        assertTrue(l.problem().isEmpty(), l.problem().toString());
        Guest g = l.state().guest("guest1");
        assertTrue(g.unclean());
        assertEquals(Observed.UncleanCause.SETTLED_BY_FENCE, g.cause());
        // a word this version does not know (a newer daemon's) reads the same way, and the file is not set aside
        Files.writeString(f, json.replaceAll("\"cause\"\\s*:\\s*\"GUEST_FAILED\"", "\"cause\" : \"SOMETHING_NEW\""));
        StateStore.Loaded newer = new StateStore(dir).load();
        assertTrue(newer.problem().isEmpty(), newer.problem().toString());
        assertEquals(Observed.UncleanCause.SETTLED_BY_FENCE, newer.state().guest("guest1").cause());
    }

    /** Two daemons never share a state directory: the second is told who holds it. */
    @Test
    void oneDaemonPerStateDirectory(@TempDir Path dir) throws Exception {
        try (StateDirLock first = StateDirLock.acquire(dir)) {
            StateDirLock.InUse e = assertThrows(StateDirLock.InUse.class, () -> StateDirLock.acquire(dir));
            assertTrue(e.getMessage().contains("another guestnode uses the state directory " + dir), e.getMessage());
            assertTrue(e.getMessage().contains("(pid " + ProcessHandle.current().pid() + ")"), e.getMessage());
        }
        StateDirLock.acquire(dir).close();
    }

    /** A move or ban without a node, or without its kind, is no state to act on: the host observes only. */
    @Test
    void aBrokenMoveOrBanInTheFileIsNotActedOn(@TempDir Path dir) throws Exception {
        for (String rule : List.of("{\"resource\":\"dummy1\",\"ban\":false}",
                "{\"resource\":\"dummy1\",\"node\":\"guest2\"}",
                "{\"resource\":\"dummy1\",\"node\":\"guest2\",\"ban\":false},"
                        + "{\"resource\":\"dummy1\",\"node\":\"guest3\",\"ban\":false}")) {
            Files.writeString(dir.resolve("state.json"), "{\"version\":2,\"placements\":[" + rule + "]}");
            StateStore.Loaded l = new StateStore(dir).load();
            assertTrue(l.problem().isPresent(), rule);
            assertTrue(l.overrides().hostMaintenance(), rule);
            assertTrue(l.overrides().placements().isEmpty(), rule);
        }
    }

    @Test
    void aTornOrCorruptFileIsSetAsideAndTheHostObservesOnly(@TempDir Path dir) throws Exception {
        new StateStore(dir).save(snapshot());
        String full = Files.readString(dir.resolve("state.json"));
        Files.writeString(dir.resolve("state.json"), full.substring(0, full.length() / 2));
        StateStore.Loaded l = new StateStore(dir).load();
        assertTrue(l.state().failures().isEmpty());
        // the disable of vm-guest2 recorded there is unknown now: nothing may act until an operator says so
        assertEquals(Overrides.NONE.withHostMaintenance(true), l.overrides());
        assertTrue(l.problem().orElseThrow().contains("host is in maintenance"), l.problem().toString());
        try (var s = Files.list(dir)) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("state.json.corrupt-")));
        }
        Files.writeString(dir.resolve("state.json"), "{\"version\":1,\"failures\":[{\"resource\":\"x\",\"last\":\"not a time\"}]}");
        StateStore.Loaded bad = new StateStore(dir).load();
        assertTrue(bad.state().failures().isEmpty());
        assertTrue(bad.overrides().hostMaintenance(), "a record that cannot be read is not silently dropped");
    }
}
