package io.guestnode.operator.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.guestnode.agents.coordination.GuestRecord;
import io.guestnode.agents.testing.Shell;
import io.guestnode.operator.e2e.StatusJson;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Moving guests between the hosts of a three-host lab ({@code bin/lab}, LXC guest nodes with a Dummy each, real
 * libvirtd per host): {@code guestnode move} relocates a guest (stopped with its Dummy, handed over, started on the
 * target), {@code standby} drains a host and keeps it empty across a restart of its guestnode, {@code unstandby} lets it
 * take guests again. An observer scanning every host's processes sees no guest alive twice, ever.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RelocationIT {
    private static final Path SHARED = LabCluster.LAB.resolve("shared/rl");
    private static final List<String> HOSTS = List.of("h1", "h2", "h3");
    private static final List<String> GUESTS = List.of("lg1", "lg2", "lg3");
    private static final String PREFIX = "gnrl-";
    private static final LabCluster CLUSTER = new LabCluster(SHARED, HOSTS, GUESTS, PREFIX, "rl",
            StatusJson.FAST_MONITOR, "default");
    static MultiHostIT.Watcher watcher;

    @BeforeAll
    static void up() throws Exception {
        assumeTrue(Shell.isRoot(), "the lab needs root");
        MultiHostIT.lab("down");
        Shell.Result r = MultiHostIT.lab("up", "--hosts", "3");
        assertEquals(0, r.exitCode(), r.output());
        CLUSTER.define();
        watcher = new MultiHostIT.Watcher(PREFIX, GUESTS);
        for (String h : HOSTS) {
            CLUSTER.startDaemon(h);
        }
        CLUSTER.await(CLUSTER.everyGuestUp(), Duration.ofSeconds(120));
    }

    @AfterAll
    static void down() throws Exception {
        if (watcher != null) {
            watcher.close();
        }
        CLUSTER.keepLogs("relocation");
        if (Shell.isRoot()) {
            MultiHostIT.lab("down");
        }
    }

    @Test
    @Order(1)
    void aMovedGuestIsRelocatedOnceAndNeverRunsTwice() throws Exception {
        String from = CLUSTER.where("lg1");
        String to = HOSTS.stream().filter(h -> !h.equals(from)).findFirst().orElseThrow();
        long epoch = CLUSTER.record("lg1").epoch();
        Instant t0 = Instant.now();
        Shell.Result moved = CLUSTER.cli(HOSTS.get(2), "move", "vm-lg1", to, "--wait=60s");
        double took = Duration.between(t0, Instant.now()).toMillis() / 1000.0;
        assertEquals(0, moved.exitCode(), moved.output());
        System.out.printf("move lg1 from %s to %s: claimed there after %.1f s%n", from, to, took);
        Map<String, JsonNode> s = CLUSTER.await(x -> LabCluster.runningOn(x, "lg1").equals(List.of(to)),
                Duration.ofSeconds(30));
        System.out.printf("move lg1: online with its Dummy on %s after %.1f s%n", to,
                Duration.between(t0, Instant.now()).toMillis() / 1000.0);
        GuestRecord r = CLUSTER.record("lg1");
        assertEquals(java.util.Optional.of(to), r.owner());
        assertEquals(epoch + 1, r.epoch(), "one claim on the target: " + r);
        assertEquals(GuestRecord.Phase.RUNNING, r.phase());
        assertTrue(StatusJson.journalSince(s.get(from), t0).stream().anyMatch(j -> j.contains(
                "lg1: relocated (restart): stopped on " + from + ", handed over to " + to)), s.get(from).toString());
        List<Instant[]> lives = watcher.livesOf("lg1");
        assertTrue(lives.size() >= 2, "a new incarnation on the target");
        Instant[] before = lives.get(lives.size() - 2);
        Instant[] after = lives.get(lives.size() - 1);
        assertTrue(before[1].isBefore(after[0]), "the old copy was last seen before the new one first was");
        assertEquals(List.of(), watcher.overlaps);
        for (String g : List.of("lg2", "lg3")) {
            assertEquals(1, watcher.livesOf(g).size(), g + " was never restarted");
        }
    }

    @Test
    @Order(2)
    void badNamesChangeNothing() {
        Shell.Result unknown = CLUSTER.cli("h1", "move", "nope", "h2");
        assertEquals(105, unknown.exitCode(), "no such guest (CRM_EX_NOSUCH)");
        assertTrue(unknown.output().contains("unknown guest node or VM resource 'nope'"), unknown.output());
        Shell.Result host = CLUSTER.cli("h1", "move", "lg1", "h9");
        assertEquals(105, host.exitCode(), "no such host (CRM_EX_NOSUCH)");
        assertTrue(host.output().contains("'h9' is not a host of the cluster (members: h1, h2, h3)"), host.output());
        Shell.Result service = CLUSTER.cli("h1", "ban", "dummy-lg2", "h1");
        assertEquals(105, service.exitCode(), "a service is placed on guest nodes, not on hosts");
        assertTrue(service.output().contains("'h1' is not a guest node"), service.output());
    }

    @Test
    @Order(3)
    void standbyDrainsAHostWhichStaysEmptyAcrossARestartUntilUnstandby() throws Exception {
        String host = CLUSTER.where("lg1");
        assertEquals(0, CLUSTER.cli("h1", "clear", "lg1").exitCode());
        Instant t0 = Instant.now();
        Shell.Result drained = CLUSTER.cli("h2", "standby", host, "--wait=90s");
        assertEquals(0, drained.exitCode(), drained.output());
        Map<String, JsonNode> s = CLUSTER.await(x -> GUESTS.stream().allMatch(g -> {
            List<String> on = LabCluster.runningOn(x, g);
            return on.size() == 1 && !on.get(0).equals(host);
        }), Duration.ofSeconds(30));
        System.out.printf("standby %s: drained, its guests online elsewhere after %.1f s%n", host,
                Duration.between(t0, Instant.now()).toMillis() / 1000.0);
        assertEquals("[]", s.get(host).get("guests").toString().replaceAll("\\s", ""), "nothing runs on " + host);
        // guestnode restarted on the standby host: it still takes nothing
        Shell.Result stop = MultiHostIT.lab("exec", host, "pkill", "-TERM", "-f", "guestnode-operator.jar");
        assertEquals(0, stop.exitCode(), stop.output());
        CLUSTER.await(x -> !x.containsKey(host), Duration.ofSeconds(30));
        CLUSTER.startDaemon(host);
        CLUSTER.await(x -> x.containsKey(host) && x.get(host).has("cluster"), Duration.ofSeconds(60));
        Shell.Result moved = CLUSTER.cli(host, "move", "lg2", host, "--wait=5s");
        assertEquals(124, moved.exitCode(), "a host in standby takes no guest: " + moved.output());
        assertTrue(moved.output().contains("not done within 5.0 s"), moved.output());
        assertEquals(0, CLUSTER.cli(host, "unstandby", host).exitCode());
        Shell.Result back = CLUSTER.cli(host, "move", "lg2", host, "--wait=60s");
        assertEquals(0, back.exitCode(), back.output());
        CLUSTER.await(x -> LabCluster.runningOn(x, "lg2").equals(List.of(host)), Duration.ofSeconds(30));
        assertEquals(List.of(), watcher.overlaps);
    }
}
