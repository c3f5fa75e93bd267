package io.guestnode.operator.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.engine.Engine;
import io.guestnode.operator.planner.Observed.Failure;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.Overrides;
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
        Overrides o = Overrides.NONE.withTargetRole("vm-guest2", TargetRole.STOPPED).withMaintenance("guest3", true);
        return new Engine.Snapshot(Definitions.empty("host1"), m.done(), o, new Plan(List.of(), Optional.empty(), Map.of()),
                List.of(new Engine.Journal.Entry(Instant.parse("2026-01-01T00:00:01Z"), "fence guest1")),
                Instant.parse("2026-01-01T00:00:02Z"));
    }

    @Test
    void failCountsOverridesAndJournalSurviveARestart(@TempDir Path dir) {
        new StateStore(dir).save(snapshot());
        StateStore.Loaded l = new StateStore(dir).load();
        Failure f = l.state().failure("dummy1", "guest1").orElseThrow();
        assertEquals(2, f.count());
        assertEquals("gone", f.reason());
        assertEquals(TargetRole.STOPPED, l.overrides().targetRoles().get("vm-guest2"));
        assertEquals(Set.of("guest3"), l.overrides().maintenanceGuests());
        assertEquals("fence guest1", l.journal().get(0).what());
        assertTrue(Files.notExists(dir.resolve("state.json.tmp")), "written through a temporary file, renamed");
    }

    @Test
    void aTornOrCorruptFileIsSetAsideNotFatal(@TempDir Path dir) throws Exception {
        new StateStore(dir).save(snapshot());
        String full = Files.readString(dir.resolve("state.json"));
        Files.writeString(dir.resolve("state.json"), full.substring(0, full.length() / 2));
        StateStore.Loaded l = new StateStore(dir).load();
        assertTrue(l.state().failures().isEmpty());
        assertEquals(Overrides.NONE, l.overrides());
        try (var s = Files.list(dir)) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("state.json.corrupt-")));
        }
        Files.writeString(dir.resolve("state.json"), "{\"version\":1,\"failures\":[{\"resource\":\"x\",\"last\":\"not a time\"}]}");
        assertTrue(new StateStore(dir).load().state().failures().isEmpty());
    }
}
