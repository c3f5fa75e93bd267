package io.guestnode.operator.e2e;

import static io.guestnode.operator.e2e.GuestLab.failure;
import static io.guestnode.operator.e2e.GuestLab.journal;
import static io.guestnode.operator.e2e.GuestLab.journalSince;
import static io.guestnode.operator.e2e.GuestLab.online;
import static io.guestnode.operator.e2e.GuestLab.role;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.guestnode.agents.testing.RemotedSandbox;
import io.guestnode.agents.testing.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * guest nodes end to end, against real libvirtd (LXC), real pacemaker-remoted in guests built by vm-images,
 * on the isolated network, with the daemon as its own process. guest1 and guest2 run a Dummy each; "mover"
 * prefers guest1 and leaves it after one failure; guest3 has another key; guest4's remoted never answers (its
 * remote-port has no listener) and its remote-connect-timeout is 3 s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuestNodesIT {
    static final String FAST_MONITOR = StatusJson.FAST_MONITOR;

    @TempDir
    static Path dir;
    static GuestLab lab;

    @BeforeAll
    static void start() throws Exception {
        lab = new GuestLab(dir);
        Path c1 = lab.guest("guest1", 1, lab.key);
        Path c2 = lab.guest("guest2", 2, lab.key);
        Path c3 = lab.guest("guest3", 3, RemotedSandbox.newKey());
        Path c4 = lab.guest("guest4", 4, lab.key);
        lab.writeDefinitions(
                GuestLab.vm("guest1", c1, 1, lab.addr(1), FAST_MONITOR)
                        + GuestLab.vm("guest2", c2, 2, lab.addr(2), FAST_MONITOR)
                        + GuestLab.vm("guest3", c3, 3, lab.addr(3), "")
                        + GuestLab.vm("guest4", c4, 4, lab.addr(4), "<nvpair name=\"remote-port\" value=\"3999\"/>"
                        + "<nvpair name=\"remote-connect-timeout\" value=\"3s\"/>")
                        + GuestLab.dummy("dummy1", "") + GuestLab.dummy("dummy2", "")
                        + GuestLab.dummy("mover", "<nvpair name=\"migration-threshold\" value=\"1\"/>"),
                "<rsc_location id=\"l1\" rsc=\"dummy1\" node=\"guest1\" score=\"INFINITY\"/>"
                        + "<rsc_location id=\"l2\" rsc=\"dummy2\" node=\"guest2\" score=\"INFINITY\"/>"
                        + "<rsc_location id=\"l3\" rsc=\"mover\" node=\"guest1\" score=\"100\"/>"
                        + "<rsc_location id=\"l4\" rsc=\"mover\" node=\"guest3\" score=\"-INFINITY\"/>"
                        + "<rsc_location id=\"l5\" rsc=\"mover\" node=\"guest4\" score=\"-INFINITY\"/>"
                        + "<rsc_location id=\"l6\" rsc=\"dummy1\" node=\"guest3\" score=\"-INFINITY\"/>"
                        + "<rsc_location id=\"l7\" rsc=\"dummy1\" node=\"guest4\" score=\"-INFINITY\"/>"
                        + "<rsc_location id=\"l8\" rsc=\"dummy2\" node=\"guest3\" score=\"-INFINITY\"/>"
                        + "<rsc_location id=\"l9\" rsc=\"dummy2\" node=\"guest4\" score=\"-INFINITY\"/>");
        lab.startDaemon();
    }

    @AfterAll
    static void stop() throws Exception {
        lab.close();
    }

    @Test
    @Order(1)
    void guestNodesComeOnlineWithTheirServices() throws Exception {
        JsonNode s = lab.await("guest1 and guest2 online, dummy1, dummy2, mover started", 60_000,
                x -> online(x, "guest1") && online(x, "guest2") && role(x, "dummy1").equals("Started guest1")
                        && role(x, "dummy2").equals("Started guest2") && role(x, "mover").equals("Started guest1"));
        String[] text = lab.cli("status");
        assertTrue(text[1].contains("GuestOnline: [ guest1@host1 guest2@host1 ]"), text[1]);
        assertTrue(text[1].contains("dummy1\t(ocf:pacemaker:Dummy):\t Started guest1"), text[1]);
        assertNotNull(s);
        // what the daemon would do from here, from its own state: crm_simulate's report, dummy1 staying in guest1
        String[] sim = lab.cli("simulate", "--live");
        assertEquals("0", sim[0], sim[2]);
        assertTrue(sim[1].startsWith("Current cluster status:\n"), sim[1]);
        String revised = sim[1].substring(sim[1].indexOf("Revised Cluster Status:"));
        assertTrue(revised.contains("dummy1\t(ocf:pacemaker:Dummy):\t Started guest1"), sim[1]);
        // guest3 and guest4 may still be coming up: a simulation has every action succeed
        assertTrue(revised.contains("GuestOnline: [ guest1 guest2"), sim[1]);
    }

    /** guest3 has another key: a hard failure at once, one attempt, guest stays down; others unaffected. */
    @Test
    @Order(2)
    void wrongKeyIsAHardFailureWithoutRetries() throws Exception {
        JsonNode s = lab.await("guest3's connection failed", 30_000, x -> failure(x, "guest3", "host1") != null
                && role(x, "vm-guest3").startsWith("Stopped"));
        JsonNode f = failure(s, "guest3", "host1");
        assertEquals("key rejected", f.get("status").asText(), f.toString());
        assertEquals(1_000_000, f.get("count").asLong(), "INFINITY: not retried");
        Thread.sleep(2000);
        JsonNode later = lab.status();
        long attempts = journal(later).stream().filter(l -> l.startsWith("connect guest3 (")).count();
        assertEquals(1, attempts, "one connection attempt, no retry storm: " + journal(later));
        assertTrue(online(later, "guest1") && online(later, "guest2"));
    }

    /** guest4's remoted never answers: the connection start fails when remote-connect-timeout (3 s) passes. */
    @Test
    @Order(3)
    void connectionStartFailsAtRemoteConnectTimeout() throws Exception {
        JsonNode s = lab.await("guest4's connection start failed", 30_000, x -> failure(x, "guest4", "host1") != null);
        JsonNode f = failure(s, "guest4", "host1");
        assertEquals("timed out", f.get("status").asText(), f.toString());
        assertTrue(f.get("reason").asText().contains("not connected within 3000 ms"), f.toString());
    }

    /** dummy1 stops behind our back: its monitor fails, it is restarted in place, fail count 1. */
    @Test
    @Order(4)
    void failingServiceIsRestartedInPlace() throws Exception {
        lab.inGuest("guest1", "rm", "-f", "/run/dummy1.state");
        JsonNode s = lab.await("dummy1 failed and restarted in guest1", 30_000, x -> failure(x, "dummy1", "guest1") != null
                && role(x, "dummy1").equals("Started guest1"));
        assertEquals(1, failure(s, "dummy1", "guest1").get("count").asLong());
        List<String> j = journal(s);
        assertTrue(j.stream().anyMatch(l -> l.startsWith("stop dummy1 on guest1")), j.toString());
    }

    /** mover (migration-threshold=1) fails in guest1 and moves to guest2. */
    @Test
    @Order(5)
    void serviceMovesAtMigrationThreshold() throws Exception {
        lab.inGuest("guest1", "rm", "-f", "/run/mover.state");
        lab.await("mover moved to guest2", 30_000, x -> failure(x, "mover", "guest1") != null
                && role(x, "mover").equals("Started guest2"));
    }

    /** kill -9 of guest1's remoted: the connection is lost, guest1 is fenced and recovered, dummy1 runs again. */
    @Test
    @Order(6)
    void killedRemotedIsFencedAndRecovered() throws Exception {
        String before = lab.domId("guest1");
        Shell.check("kill", "-9", Long.toString(lab.remotedPid("guest1")));
        JsonNode s = lab.await("guest1 recovered after the fence", 30_000, x -> online(x, "guest1")
                && role(x, "dummy1").equals("Started guest1")
                && journal(x).stream().anyMatch(l -> l.startsWith("fence guest1 by stopping vm-guest1: done")));
        assertFalse(before.equals(lab.domId("guest1")), "the domain was stopped and started again");
        JsonNode f = failure(s, "guest1", "host1");
        assertNotNull(f, "the failed action names the connection resource guest1");
        assertEquals("monitor", f.get("op").asText());
        assertTrue(f.get("reason").asText().contains("Lost connection to remote executor"), f.toString());
        String[] text = lab.cli("status");
        assertTrue(text[1].contains("guest1 1s-interval monitor on host1 could not be executed (Error) because "
                + "'Lost connection to remote executor"), text[1]);
    }

    /** The domain is destroyed behind guestnode's back: counted as fenced, recovered without a second stop. */
    @Test
    @Order(7)
    void destroyedDomainIsRecoveredWithoutASecondStop() throws Exception {
        long fencesBefore = journal(lab.status()).stream().filter(l -> l.startsWith("fence guest2")).count();
        Shell.check("virsh", "-c", "lxc:///", "destroy", lab.domain("guest2"));
        JsonNode s = lab.await("guest2 recovered", 30_000, x -> failure(x, "vm-guest2", "host1") != null
                && online(x, "guest2") && role(x, "dummy2").equals("Started guest2"));
        assertTrue(failure(s, "vm-guest2", "host1").get("reason").asText().contains("VM stopped unexpectedly"));
        long fencesAfter = journal(s).stream().filter(l -> l.startsWith("fence guest2")).count();
        assertEquals(fencesBefore, fencesAfter, "no second stop: " + journal(s));
    }

    /** SIGSTOP of guest1's remoted: TCP shows nothing; the poke times out and guest1 is fenced. */
    @Test
    @Order(8)
    void frozenRemotedIsFoundByThePoke() throws Exception {
        long fencesBefore = journal(lab.status()).stream().filter(l -> l.startsWith("fence guest1 by stopping vm-guest1 (")).count();
        Shell.check("kill", "-STOP", Long.toString(lab.remotedPid("guest1")));
        JsonNode s = lab.await("guest1 fenced after an unanswered poke and back online", 30_000, x ->
                journal(x).stream().filter(l -> l.startsWith("fence guest1 by stopping vm-guest1 (")).count() > fencesBefore
                        && online(x, "guest1") && role(x, "dummy1").equals("Started guest1"));
        assertTrue(journal(s).stream().anyMatch(l -> l.contains("Remote executor did not respond")), journal(s).toString());
    }

    /** guestnode is SIGKILLed and restarted: it adopts what runs; no guest or service is restarted. */
    @Test
    @Order(9)
    void restartOfGuestnodeRestartsNothing() throws Exception {
        String g1 = lab.domId("guest1");
        String g2 = lab.domId("guest2");
        int journalBefore = journal(lab.status()).size();
        lab.killDaemon();
        lab.startDaemon();
        JsonNode s = lab.await("guests adopted", 30_000, x -> online(x, "guest1") && online(x, "guest2")
                && role(x, "dummy1").equals("Started guest1") && role(x, "dummy2").equals("Started guest2")
                && role(x, "mover").equals("Started guest2"));
        Thread.sleep(1000);
        s = lab.status();
        List<String> j = journal(s);
        List<String> since = j.subList(Math.min(journalBefore, j.size()), j.size());
        assertTrue(since.stream().noneMatch(l -> l.startsWith("start ") || l.startsWith("stop ") || l.startsWith("fence")),
                "nothing started or stopped after the restart: " + since);
        assertEquals(g1, lab.domId("guest1"));
        assertEquals(g2, lab.domId("guest2"));
        assertNotNull(failure(s, "dummy1", "guest1"), "fail counts survived the restart");
    }

    /** An invalid change of the definitions is reported and changes nothing. */
    @Test
    @Order(10)
    void invalidReloadChangesNothing() throws Exception {
        Path f = lab.defs.resolve("guests.xml");
        String good = Files.readString(f);
        Files.writeString(f, good.replace("<nvpair id=\"vm-guest2-rn\" name=\"remote-node\" value=\"guest2\"/>",
                "<nvpair id=\"vm-guest2-rn\" name=\"remote-node\" value=\"guest1\"/>"));
        String[] r = lab.cli("reload");
        assertEquals("78", r[0], "a refused reload is invalid configuration: " + r[1] + r[2]);
        assertTrue(r[2].contains("invalid definitions, the running configuration stays"), r[2]);
        assertTrue(r[2].contains("remote-node 'guest1' is already the guest node of vm-guest1"), r[2]);
        Thread.sleep(1000);
        JsonNode s = lab.status();
        assertTrue(online(s, "guest1") && online(s, "guest2"), "nothing changed");
        assertTrue(lab.tail().contains("reload rejected"), lab.tail());
        Files.writeString(f, good);
        Thread.sleep(1000);
    }

    /**
     * Files written next to the definitions (a log, an editor's backup) and a rewrite of the definitions with the
     * same content reload nothing; an edit is picked up by the watcher without a signal.
     */
    @Test
    @Order(10)
    void onlyChangedDefinitionsAreReloaded() throws Exception {
        Path f = lab.defs.resolve("guests.xml");
        String good = Files.readString(f);
        java.time.Instant before = java.time.Instant.now();
        for (int i = 0; i < 5; i++) {
            Files.writeString(lab.defs.resolve("notes.log"), "line " + i + "\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            Files.writeString(lab.defs.resolve("guests.xml~"), good);
            Files.writeString(f, good);
            Thread.sleep(200);
        }
        Thread.sleep(1000);
        List<String> since = journalSince(lab.status(), before);
        assertTrue(since.stream().noneMatch(l -> l.startsWith("definitions reloaded")), "nothing reloaded: " + since);

        Files.delete(lab.defs.resolve("notes.log"));
        Files.delete(lab.defs.resolve("guests.xml~"));
        Files.writeString(f, good.replace("</resources>", "<primitive id=\"extra1\" class=\"ocf\" provider=\"pacemaker\" "
                + "type=\"Dummy\"><meta_attributes id=\"extra1-meta\"><nvpair id=\"extra1-tr\" name=\"target-role\" "
                + "value=\"Stopped\"/></meta_attributes></primitive></resources>"));
        try {
            lab.await("the edit is reloaded", 10_000, s -> journalSince(s, before).stream()
                    .anyMatch(l -> l.startsWith("definitions reloaded")));
        } finally {
            Files.writeString(f, good);
            Thread.sleep(1000);
        }
    }

    /** Disabling a VM resource stops the services inside, then the connection, then the domain. */
    @Test
    @Order(11)
    void disableStopsServicesThenConnectionThenDomain() throws Exception {
        assertEquals("0", lab.cli("disable", "vm-guest2")[0]);
        JsonNode s = lab.await("vm-guest2 stopped", 30_000, x -> role(x, "vm-guest2").equals("Stopped"));
        List<String> j = journal(s);
        int svc = lastIndex(j, "stop dummy2 on guest2 (");
        int conn = lastIndex(j, "disconnect guest2 (");
        int vm = lastIndex(j, "stop vm-guest2 on host1 (");
        assertTrue(svc >= 0 && conn > svc && vm > conn, "order services, connection, VM: " + j);
        assertEquals("0", lab.cli("enable", "vm-guest2")[0]);
        lab.await("guest2 back", 30_000, x -> online(x, "guest2") && role(x, "dummy2").equals("Started guest2"));
        assertEquals("105", lab.cli("disable", "no-such-resource")[0], "CRM_EX_NOSUCH");
    }

    /**
     * A real Prometheus server scrapes the daemon's metrics endpoint: the guest nodes and services by state, and after
     * an operator's fence of guest1 the fence counted by its reason and guest1's recovery in the histogram.
     */
    @Test
    @Order(12)
    void prometheusScrapesTheMetrics() throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/prometheus")), "bin/setup-host installs Debian's prometheus");
        try (PrometheusServer p = new PrometheusServer(dir, "127.0.0.1:" + lab.metricsPort)) {
            p.await("up{job=\"guestnode\"}", r -> PrometheusServer.value(r) == 1, java.time.Duration.ofSeconds(30));
            p.await("guestnode_nodes{node=\"guest1\",type=\"remote\"}", r -> r.size() == 1
                    && r.get(0).path("metric").path("status").asText().equals("online"), java.time.Duration.ofSeconds(10));
            p.await("guestnode_resources{resource=\"dummy1\",role=\"Started\"}", r -> r.size() == 1
                    && r.get(0).path("metric").path("node").asText().equals("guest1"), java.time.Duration.ofSeconds(10));
            p.await("guestnode_build_info", r -> r.size() == 1, java.time.Duration.ofSeconds(10));
            assertEquals("0", lab.cli("fence", "guest1")[0]);
            lab.await("guest1 back after its fence", 60_000, x -> online(x, "guest1")
                    && role(x, "dummy1").equals("Started guest1"));
            p.await("guestnode_fences_total{reason=\"operator\"}", r -> PrometheusServer.value(r) >= 1,
                    java.time.Duration.ofSeconds(15));
            JsonNode count = p.await("guestnode_recovery_seconds_count", r -> PrometheusServer.value(r) >= 1,
                    java.time.Duration.ofSeconds(15));
            JsonNode sum = p.query("guestnode_recovery_seconds_sum");
            System.out.printf("Prometheus: guestnode_recovery_seconds count %.0f, sum %.3f s%n",
                    PrometheusServer.value(count), PrometheusServer.value(sum));
            p.await("guestnode_nodes{node=\"guest1\",type=\"remote\",status=\"online\"}",
                    r -> PrometheusServer.value(r) == 1, java.time.Duration.ofSeconds(15));
        }
    }

    /**
     * The verbs that change something wait with --wait until the status shows it done (crm_resource --wait), and exit
     * 124 when the time runs out; restart stops and starts a resource again, as crm_resource --restart.
     */
    @Test
    @Order(13)
    void waitReturnsWhenDoneAndRestartStopsThenStarts() throws Exception {
        java.time.Instant t0 = java.time.Instant.now();
        String[] r = lab.cli("restart", "dummy1", "--wait=60s");
        assertEquals("0", r[0], r[1] + r[2]);
        JsonNode s = lab.status();
        assertEquals("Started guest1", role(s, "dummy1"), "running again when restart --wait returns");
        List<String> j = journalSince(s, t0);
        int stop = lastIndex(j, "stop dummy1 on guest1 (");
        int start = lastIndex(j, "start dummy1 on guest1 (");
        assertTrue(stop >= 0 && start > stop, "stopped, then started: " + j);

        r = lab.cli("disable", "dummy2", "--wait=30s");
        assertEquals("0", r[0], r[1] + r[2]);
        assertEquals("Stopped", role(lab.status(), "dummy2"), "stopped when disable --wait returns");
        r = lab.cli("enable", "dummy2", "--wait=30s");
        assertEquals("0", r[0], r[1] + r[2]);
        assertEquals("Started guest2", role(lab.status(), "dummy2"), "running when enable --wait returns");

        t0 = java.time.Instant.now();
        r = lab.cli("fence", "guest2", "--wait=30s");
        assertEquals("0", r[0], r[1] + r[2]);
        assertTrue(journalSince(lab.status(), t0).stream().anyMatch(l -> l.startsWith(
                "fence guest2 by stopping vm-guest2: done")), "the VM is down when fence --wait returns");
        lab.await("guest2 recovered", 60_000, x -> online(x, "guest2") && role(x, "dummy2").equals("Started guest2"));

        r = lab.cli("disable", "vm-guest2", "--wait=1ms");
        assertEquals("124", r[0], "a stop of services, connection and VM is not done in 1 ms: " + r[1] + r[2]);
        r = lab.cli("restart", "vm-guest2");
        assertEquals("1", r[0], "a disabled resource is not restarted: " + r[2]);
        assertTrue(r[2].contains("vm-guest2 is disabled"), r[2]);
        r = lab.cli("enable", "vm-guest2", "--wait=60s");
        assertEquals("0", r[0], r[1] + r[2]);
        s = lab.status();
        assertTrue(online(s, "guest2"), "the guest is online when enable --wait of its VM returns");

        t0 = java.time.Instant.now();
        r = lab.cli("restart", "guest2", "--wait=90s");
        assertEquals("0", r[0], r[1] + r[2]);
        j = journalSince(lab.status(), t0);
        assertTrue(lastIndex(j, "stop vm-guest2 on host1 (") >= 0 && lastIndex(j, "start vm-guest2 on host1 (")
                > lastIndex(j, "stop vm-guest2 on host1 ("), "the VM stopped, then started: " + j);
        assertTrue(online(lab.status(), "guest2"));
        assertEquals("124", lab.cli("cleanup", "guest4", "--wait=1s")[0],
                "guest4's connection fails again and again: its cleanup never settles");
    }

    /**
     * A person opens the daemon's status page in a browser (Debian's Chromium, headless): the page it renders has
     * crm_mon's sections, the guest nodes online and the Dummy started in its guest.
     */
    @Test
    @Order(14)
    void aBrowserShowsTheStatusPage() throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/chromium")), "bin/setup-host installs Debian's chromium");
        lab.await("both guests online", 60_000, x -> online(x, "guest1") && online(x, "guest2")
                && role(x, "dummy1").equals("Started guest1") && role(x, "dummy2").equals("Started guest2"));
        Shell.Result r = Shell.run(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium")), "--dump-dom",
                "http://127.0.0.1:" + lab.metricsPort + "/"));
        String dom = r.output();
        assertEquals(0, r.exitCode(), dom);
        for (String seen : List.of("<title>Cluster Summary</title>", "<h2>Cluster Summary</h2>", "<h2>Node List</h2>",
                "GuestOnline: [ guest1@host1 guest2@host1 ]", "dummy1\t(ocf:pacemaker:Dummy):\t Started guest1",
                "vm-guest2\t(ocf:heartbeat:VirtualDomain):\t Started host1", "<h2>Failed Resource Actions</h2>")) {
            assertTrue(dom.contains(seen), seen + " in the page Chromium rendered:\n" + dom);
        }
    }

    /**
     * move, ban and clear of a service among guest nodes (crm_resource --move/--ban/--clear): a ban with a lifetime
     * sends dummy2 off its guest node until the lifetime ends, then its own INFINITY brings it back; a move sends mover
     * to another guest node until cleared.
     */
    @Test
    @Order(15)
    void moveBanAndClearPlaceAServiceAmongGuestNodes() throws Exception {
        lab.await("both guests online", 60_000, x -> online(x, "guest1") && online(x, "guest2")
                && role(x, "dummy2").equals("Started guest2"));
        java.time.Instant t0 = java.time.Instant.now();
        String[] r = lab.cli("ban", "dummy2", "guest2", "--lifetime", "15s", "--wait=60s");
        assertEquals("0", r[0], r[1] + r[2]);
        assertEquals("Started guest1", role(lab.status(), "dummy2"), "banned from guest2, it runs in guest1");
        assertTrue(journalSince(lab.status(), t0).stream().anyMatch(l -> l.startsWith("ban dummy2 from guest2 until ")),
                journalSince(lab.status(), t0).toString());
        JsonNode s = lab.await("dummy2 back in guest2 once the ban's lifetime ended", 60_000,
                x -> role(x, "dummy2").equals("Started guest2"));
        double back = java.time.Duration.between(t0, java.time.Instant.now()).toMillis() / 1000.0;
        assertTrue(back >= 15, "not before the lifetime ended: " + back + " s");
        assertTrue(journalSince(s, t0).stream().anyMatch(l -> l.startsWith("stop dummy2 on guest1 (")),
                journalSince(s, t0).toString());

        assertEquals("0", lab.cli("cleanup", "mover", "--wait=60s")[0]);
        lab.await("mover in guest1, which it prefers", 60_000, x -> role(x, "mover").equals("Started guest1"));
        r = lab.cli("move", "mover", "guest2", "--wait=60s");
        assertEquals("0", r[0], r[1] + r[2]);
        assertEquals("Started guest2", role(lab.status(), "mover"), "moved when move --wait returns");
        r = lab.cli("clear", "mover", "--wait=60s");
        assertEquals("0", r[0], r[1] + r[2]);
        assertEquals("Started guest1", role(lab.status(), "mover"), "its own preference counts again once cleared");

        assertEquals("105", lab.cli("move", "mover", "guest9")[0], "no such guest node");
        assertEquals("64", lab.cli("move", "mover", "guest2", "--lifetime", "soon")[0], "bad usage");
        assertEquals("1", lab.cli("move", "guest1", "host2")[0], "a guest moves between hosts only with several");
    }

    static int lastIndex(List<String> j, String prefix) {
        for (int i = j.size() - 1; i >= 0; i--) {
            if (j.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
