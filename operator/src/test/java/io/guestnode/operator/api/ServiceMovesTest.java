package io.guestnode.operator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.engine.Engine;
import io.guestnode.operator.planner.Placements;
import io.guestnode.operator.planner.ScenarioCibs;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * move, ban and clear of services, groups and clones on a host that runs alone, through the control socket of a real
 * engine: what they change in its overrides, and what they refuse (naming why, nothing changed).
 */
class ServiceMovesTest {
    @TempDir
    Path dir;
    EngineOnSocket at;
    Engine engine;
    Path socket;

    @BeforeEach
    void start() throws IOException {
        at = new EngineOnSocket(dir, cloned(dir));
        engine = at.engine;
        socket = at.socket;
    }

    @AfterEach
    void stop() {
        at.close();
    }

    /** Three guest nodes, ping-clone, mon-clone (a cloned group: agent, shipper) and app (the scenarios' CIB). */
    static Definitions cloned(Path dir) throws IOException {
        return ScenarioCibs.named("_cloned.xml", "host1", dir);
    }

    JsonNode request(String line) throws IOException {
        return ControlServerTest.request(socket, line);
    }

    Placements placements() throws InterruptedException {
        return engine.command(e -> e.overrides().placements(), Duration.ofSeconds(5));
    }

    @Test
    void aMoveOrBanOfAServiceIsAPlacementOnAGuestNodeUntilCleared() throws Exception {
        JsonNode moved = request("{\"verb\":\"move\",\"resource\":\"app\",\"node\":\"guest3\"}");
        assertTrue(moved.get("ok").asBoolean(), moved.toString());
        assertEquals("service", moved.path("kind").asText());
        assertEquals("[\"app\"]", moved.path("members").toString(), "status shows where app runs by its own row");
        assertEquals(Optional.of("guest3"), placements().preferred("app", Instant.now()));
        String user = System.getProperty("user.name");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        JsonNode status = request("{\"verb\":\"status\"}");
        while (!status.path("status").path("journal").toString().contains("move app to guest3 by " + user)
                && System.nanoTime() < deadline) {
            Thread.sleep(50); // the status shows the loop's last snapshot
            status = request("{\"verb\":\"status\"}");
        }
        assertTrue(status.path("status").path("journal").toString().contains("move app to guest3 by " + user),
                "the journal names who moved it: " + status.path("status").path("journal"));
        JsonNode shown = status.path("status").path("placements").path(0);
        assertEquals("cli-prefer-app app guest3 INFINITY", shown.path("id").asText() + " " + shown.path("resource")
                .asText() + " " + shown.path("node").asText() + " " + shown.path("score").asText(), "status shows it");

        JsonNode banned = request("{\"verb\":\"ban\",\"resource\":\"mon-clone\",\"node\":\"guest1\"}");
        assertTrue(banned.get("ok").asBoolean(), banned.toString());
        assertEquals("[\"agent\",\"shipper\"]", banned.path("members").toString(), "a cloned group: its members");
        assertEquals(Set.of("guest1"), placements().banned("mon-clone", Instant.now()));

        // a move to another guest node replaces the first; a ban from that node lifts the move there
        assertTrue(request("{\"verb\":\"move\",\"resource\":\"app\",\"node\":\"guest1\"}").get("ok").asBoolean());
        assertEquals(Optional.of("guest1"), placements().preferred("app", Instant.now()));
        assertTrue(request("{\"verb\":\"ban\",\"resource\":\"app\",\"node\":\"guest1\"}").get("ok").asBoolean());
        assertEquals(Optional.empty(), placements().preferred("app", Instant.now()));
        assertEquals(Set.of("guest1"), placements().banned("app", Instant.now()));

        JsonNode cleared = request("{\"verb\":\"clear\",\"resource\":\"app\"}");
        assertTrue(cleared.get("ok").asBoolean(), cleared.toString());
        assertEquals("service", cleared.path("kind").asText());
        assertEquals(Set.of(), placements().banned("app", Instant.now()));
        assertEquals(1, placements().rules().size(), "the clone's ban stays: " + placements());
    }

    /** Moves and bans of a resource no longer defined can still be cleared (else they would stay for ever). */
    @Test
    void theMovesOfARemovedServiceCanBeCleared() throws Exception {
        engine.command(e -> {
            e.setOverrides(e.overrides().withPlacements(Placements.NONE.withMove("gone", "guest1", Optional.empty())
                    .withMove("app", "guest2", Optional.empty())), "test");
            return null;
        }, Duration.ofSeconds(5));
        JsonNode cleared = request("{\"verb\":\"clear\",\"resource\":\"gone\"}");
        assertTrue(cleared.get("ok").asBoolean(), cleared.toString());
        assertEquals(List.of("app"), placements().rules().stream().map(Placements.Rule::resource).toList());
    }

    @Test
    void aLifetimeEndsTheMoveAtItsTime() throws Exception {
        Instant before = Instant.now();
        JsonNode moved = request("{\"verb\":\"move\",\"resource\":\"app\",\"node\":\"guest2\",\"lifetime\":\"PT1H\"}");
        assertTrue(moved.get("ok").asBoolean(), moved.toString());
        assertTrue(moved.path("message").asText().contains(" until "), moved.toString());
        Placements.Rule r = placements().rules().get(0);
        Instant until = r.until().orElseThrow();
        assertFalse(until.isBefore(before.plus(Duration.ofHours(1))), until.toString());
        assertTrue(until.isBefore(Instant.now().plus(Duration.ofHours(1)).plusSeconds(1)), until.toString());
        assertEquals(Optional.empty(), placements().preferred("app", until), "over at its end");
    }

    @Test
    void whatCannotBePlacedIsRefusedNamingWhyAndNothingChanges() throws Exception {
        assertRefused("{\"verb\":\"move\",\"resource\":\"ping-clone\",\"node\":\"guest1\"}", "refused",
                "'ping-clone' is a clone: it runs in every guest node it may");
        assertRefused("{\"verb\":\"ban\",\"resource\":\"ping\",\"node\":\"guest1\"}", "refused",
                "'ping' is cloned: ban or clear its clone 'ping-clone'");
        assertRefused("{\"verb\":\"move\",\"resource\":\"agent\",\"node\":\"guest1\"}", "refused",
                "'agent' is a member of group 'mon'");
        assertRefused("{\"verb\":\"move\",\"resource\":\"app\",\"node\":\"guest9\"}", "no-such",
                "'guest9' is not a guest node (guest nodes: guest1, guest2, guest3)");
        assertRefused("{\"verb\":\"move\",\"resource\":\"nosuch\",\"node\":\"guest1\"}", "no-such",
                "unknown resource 'nosuch'");
        assertRefused("{\"verb\":\"clear\",\"resource\":\"nosuch\"}", "no-such", "unknown resource 'nosuch'");
        assertRefused("{\"verb\":\"move\",\"resource\":\"guest1\",\"node\":\"h2\"}", "refused",
                "this host runs alone");
        JsonNode bad = request("{\"verb\":\"move\",\"resource\":\"app\",\"node\":\"guest1\",\"lifetime\":\"soon\"}");
        assertFalse(bad.get("ok").asBoolean());
        assertTrue(bad.get("error").asText().startsWith("bad request: field 'lifetime': 'soon' is not a duration"),
                bad.toString());
        JsonNode zero = request("{\"verb\":\"ban\",\"resource\":\"app\",\"node\":\"guest1\",\"lifetime\":\"0s\"}");
        assertTrue(zero.get("error").asText().contains("field 'lifetime' must be more than 0"), zero.toString());
        assertTrue(placements().isEmpty(), "nothing changed: " + placements());
    }

    void assertRefused(String request, String kind, String why) throws IOException {
        JsonNode r = request(request);
        assertFalse(r.get("ok").asBoolean(), r.toString());
        assertEquals(kind, r.path("refusal").asText(), r.toString());
        assertTrue(r.path("error").asText().contains(why), r.toString());
    }
}
