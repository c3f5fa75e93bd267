package io.guestnode.operator.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.operator.api.ClusterView;
import io.guestnode.operator.api.StatusView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusTextTest {
    static StatusView view() {
        return new StatusView("h1", "2026-12-01T07:00:00Z", List.of(new StatusView.GuestView("lg1", "vm-lg1",
                "10.251.1.1", true, false, false)), List.of(), List.of(), Map.of(), List.of(), List.of(), List.of(), null);
    }

    @Test
    void movesAndBansAreListedWithTheirLifetimes() {
        StatusView v = view();
        v = new StatusView(v.host(), v.updated(), v.guests(), v.resources(), v.failedActions(), v.notes(),
                v.journal(), v.pending(), List.of(
                        new StatusView.PlacementView("cli-prefer-web", "web", "lg1", "INFINITY", "", false),
                        new StatusView.PlacementView("cli-ban-db-on-lg1", "db", "lg1", "-INFINITY",
                                "2026-12-01T08:00:00Z", false),
                        new StatusView.PlacementView("cli-ban-db-on-lg2", "db", "lg2", "-INFINITY",
                                "2026-12-01T06:00:00Z", true)), null);
        String t = StatusCommand.text(v, 0);
        assertTrue(t.contains("Moves and Bans (guestnode clear RESOURCE):\n  * cli-prefer-web: web prefers lg1\n"
                + "  * cli-ban-db-on-lg1: db banned from lg1 (until 2026-12-01T08:00:00Z)\n"
                + "  * cli-ban-db-on-lg2: db banned from lg2 (expired 2026-12-01T06:00:00Z)\n"), t);
        assertFalse(StatusCommand.text(view(), 0).contains("Moves and Bans"), "no section without any");
    }

    @Test
    void aHostAloneShowsItself() {
        String t = StatusCommand.text(view(), 0);
        assertTrue(t.contains("Current DC: h1 (guestnode)"), t);
        assertTrue(t.contains("Online: [ h1 ]"), t);
        assertFalse(t.contains("Guest Owners"), t);
    }

    @Test
    void oneOfSeveralShowsTheLeaderTheMembersAndWhoOwnsEachGuest() {
        ClusterView c = new ClusterView("h1", "h2", true, List.of("h1", "h2", "h3"), List.of(
                new ClusterView.Owner("lg1", "h1", 3, "running", "h1"),
                new ClusterView.Owner("lg2", "h3", 1, "recovering", ""),
                new ClusterView.Owner("qg1", "h1", 4, "migrating", "h1", "h3")), "2026-12-01T07:00:00Z",
                "00aa11bb22cc33dd",
                List.of("h3"), 120, 480, List.of("h2"));
        String t = StatusCommand.text(view().withCluster(c), 0);
        assertTrue(t.contains("Current DC: h2 (guestnode)"), t);
        assertTrue(t.contains("Online: [ h1 h3 ]"), t);
        assertTrue(t.contains("  * Node h2: standby\n"), t);
        assertTrue(t.contains("lease fresh"), t);
        assertTrue(t.contains("  * lg1: h1 (epoch 3, running, claim held by h1)"), t);
        assertTrue(t.contains("  * lg2: h3 (epoch 1, recovering, claim none)"), t);
        assertTrue(t.contains("  * qg1: h1 (epoch 4, migrating live to h3, claim held by h1)"), t);
        assertTrue(t.contains("  * definitions: digest 00aa11bb22cc33dd; differ on h3 (they take no new guest)"), t);
        String stale = StatusCommand.text(view().withCluster(new ClusterView("h1", "", false, List.of("h1"),
                List.of(), "2026-12-01T07:00:00Z", "00aa11bb22cc33dd", List.of(), 0, 0, List.of())), 0);
        assertTrue(stale.contains("lease NOT FRESH: this host runs nothing"), stale);
    }
}
