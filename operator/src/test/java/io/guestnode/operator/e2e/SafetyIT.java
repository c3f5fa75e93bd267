package io.guestnode.operator.e2e;

import static io.guestnode.operator.e2e.GuestLab.failure;
import static io.guestnode.operator.e2e.GuestLab.journalSince;
import static io.guestnode.operator.e2e.GuestLab.online;
import static io.guestnode.operator.e2e.GuestLab.role;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.guestnode.agents.testing.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Never a second copy, on the real daemon with two LXC guests: leaving maintenance does not fence a healthy guest,
 * and a reload that renames a running guest's domain stops the old domain before the new one starts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SafetyIT {
    @TempDir
    static Path dir;
    static GuestLab lab;
    static String defs;

    @BeforeAll
    static void start() throws Exception {
        lab = new GuestLab(dir);
        Path c1 = lab.guest("guest1", 1, lab.key);
        Path c2 = lab.guest("guest2", 2, lab.key);
        defs = GuestLab.vm("guest1", c1, 1, lab.addr(1), GuestNodesIT.FAST_MONITOR)
                + GuestLab.vm("guest2", c2, 2, lab.addr(2), GuestNodesIT.FAST_MONITOR)
                + GuestLab.dummy("dummy1", "") + GuestLab.dummy("dummy2", "");
        lab.writeDefinitions(defs, constraints());
        lab.startDaemon();
        lab.await("both guests online with their services", 60_000, x -> online(x, "guest1") && online(x, "guest2")
                && role(x, "dummy1").equals("Started guest1") && role(x, "dummy2").equals("Started guest2"));
    }

    static String constraints() {
        return "<rsc_location id=\"l1\" rsc=\"dummy1\" node=\"guest1\" score=\"INFINITY\"/>"
                + "<rsc_location id=\"l2\" rsc=\"dummy2\" node=\"guest2\" score=\"INFINITY\"/>";
    }

    @AfterAll
    static void stop() throws Exception {
        lab.close();
    }

    /**
     * maintenance on guest1, its pacemaker-remoted restarted (kill -9, started again inside the guest), maintenance
     * off: guestnode reconnects and probes, as Pacemaker does; the healthy guest is not fenced.
     */
    @Test
    @Order(1)
    void leavingMaintenanceReconnectsRatherThanFences() throws Exception {
        Instant t0 = Instant.now();
        String domId = lab.domId("guest1");
        assertEquals("0", lab.cli("maintenance", "on", "guest1")[0]);
        Shell.check("kill", "-9", Long.toString(lab.remotedPid("guest1")));
        lab.await("the loss is seen", 10_000, x -> journalSince(x, t0).stream()
                .anyMatch(l -> l.startsWith("guest1: connection lost")));
        Shell.check("nsenter", "-t", Long.toString(lab.initPid("guest1")), "-a", "--", "sh", "-c",
                "setsid /usr/sbin/pacemaker-remoted </dev/null >/dev/null 2>&1 &");
        assertEquals("0", lab.cli("maintenance", "off", "guest1")[0]);
        JsonNode s = lab.await("guest1 online again with dummy1", 60_000, x -> online(x, "guest1")
                && role(x, "dummy1").equals("Started guest1"));
        List<String> j = journalSince(s, t0);
        assertTrue(j.stream().noneMatch(l -> l.startsWith("fence guest1")), "no fence: " + j);
        assertTrue(j.stream().anyMatch(l -> l.startsWith("connect guest1")), "reconnected: " + j);
        assertTrue(j.stream().anyMatch(l -> l.startsWith("probe dummy1 on guest1")), "and probed: " + j);
        assertTrue(j.stream().noneMatch(l -> l.startsWith("start dummy1")), "dummy1 adopted, not restarted: " + j);
        assertEquals(domId, lab.domId("guest1"), "the domain was never stopped");
        assertNull(failure(s, "guest1", "host1"), "a loss in maintenance is no failure");
        assertTrue(j.stream().anyMatch(l -> l.startsWith("maintenance on for guest1 by ")), "who did it: " + j);
    }

    /**
     * guest2's domain is renamed in its config file and the definitions reloaded: the old domain is stopped (with
     * dummy2 inside it first), verified stopped, and only then the new one starts; never both at once, and dummy2
     * never runs twice.
     */
    @Test
    @Order(2)
    void renamingARunningDomainStopsTheOldOneFirst() throws Exception {
        String oldName = lab.domain("guest2");
        Path renamed = lab.guest("guest2b", 2, lab.key);
        String newName = lab.domain("guest2b");
        AtomicBoolean watching = new AtomicBoolean(true);
        AtomicReference<String> both = new AtomicReference<>();
        List<String> seen = new ArrayList<>();
        Thread observer = Thread.ofPlatform().start(() -> {
            while (watching.get()) {
                String list = Shell.run(List.of("virsh", "-c", "lxc:///", "list", "--name")).output();
                List<String> names = list.lines().map(String::trim).toList();
                if (names.contains(oldName) && names.contains(newName)) {
                    both.compareAndSet(null, list);
                }
                synchronized (seen) {
                    seen.add(String.join(",", names));
                }
            }
        });
        Instant t0 = Instant.now();
        try {
            lab.writeDefinitions(defs.replace(lab.dir.resolve("guest2.xml").toString(), renamed.toString()),
                    constraints());
            String[] r = lab.cli("reload");
            assertEquals("0", r[0], r[1] + r[2]);
            JsonNode s = lab.await("guest2 online again as the new domain with dummy2", 60_000, x -> online(x, "guest2")
                    && role(x, "dummy2").equals("Started guest2") && running(newName)
                    && journalSince(x, t0).stream().anyMatch(l -> l.startsWith("start vm-guest2 on host1: done")));
            List<String> j = journalSince(s, t0);
            int stopOld = index(j, "stop vm-guest2 on host1 (");
            int stopDummy = index(j, "stop dummy2 on guest2 (");
            int startNew = index(j, "start vm-guest2 on host1 (");
            assertTrue(stopDummy >= 0 && stopOld > stopDummy && startNew > stopOld,
                    "dummy2, then the old VM stopped, then the new one started: " + j + "\n" + lab.tail());
            assertTrue(j.stream().anyMatch(l -> l.contains("the old VM is stopped; the new one takes its place")), j.toString());
        } finally {
            watching.set(false);
            observer.join();
        }
        assertNull(both.get(), "old and new domain never ran at once: " + both.get());
        assertTrue(Files.exists(lab.dir.resolve("guest2b.xml")));
        String state = Shell.run(List.of("virsh", "-c", "lxc:///", "domstate", oldName)).output();
        assertTrue(state.contains("shut off") || state.contains("failed to get domain"), "the old domain is down: " + state);
    }

    /**
     * guest2 (now the renamed domain, whose init started its remoted) shuts itself down: libvirt's graceful shutdown
     * SIGTERMs its init, which stops pacemaker-remoted, which announces it with shutdown_req. Not fenced; the VM's stop
     * counts as a failure of the VM; it starts again.
     */
    @Test
    @Order(3)
    void aGuestThatShutsItselfDownIsRestartedNotFenced() throws Exception {
        Instant t0 = Instant.now();
        Shell.check("virsh", "-c", "lxc:///", "shutdown", "--mode", "signal", lab.domain("guest2b"));
        JsonNode s = lab.await("guest2 back online with dummy2", 60_000, x -> failure(x, "vm-guest2", "host1") != null
                && online(x, "guest2") && role(x, "dummy2").equals("Started guest2"));
        List<String> j = journalSince(s, t0);
        assertTrue(j.stream().anyMatch(l -> l.equals("guest2: the guest announced its shutdown (shutdown_req)")),
                "the announcement is heard: " + j);
        assertTrue(j.stream().noneMatch(l -> l.startsWith("fence guest2")), "no fence: " + j);
        JsonNode f = failure(s, "vm-guest2", "host1");
        assertEquals(1, f.get("count").asLong(), f.toString());
        assertTrue(f.get("reason").asText().startsWith("the guest shut itself down"), f.toString());
        assertNull(failure(s, "guest2", "host1"), "the lost connection is no failure of its own");
    }

    /**
     * dummy1 disabled, nothing is active in guest1; kill -9 of its remoted: as Pacemaker restarts a container for its
     * connection's failure, guest1's VM is stopped cleanly and started again, not fenced; once dummy1 is enabled
     * again it runs in guest1.
     */
    @Test
    @Order(4)
    void aLostConnectionWithNothingActiveRestartsTheVmNotFences() throws Exception {
        assertEquals("0", lab.cli("disable", "dummy1")[0]);
        lab.await("dummy1 stopped", 30_000, x -> role(x, "dummy1").startsWith("Stopped"));
        Instant t0 = Instant.now();
        Shell.check("kill", "-9", Long.toString(lab.remotedPid("guest1")));
        JsonNode s = lab.await("guest1's VM restarted and guest1 online again", 60_000, x -> online(x, "guest1")
                && journalSince(x, t0).stream().anyMatch(l -> l.startsWith("stop vm-guest1 on host1: done")));
        List<String> j = journalSince(s, t0);
        assertTrue(j.stream().noneMatch(l -> l.startsWith("fence guest1")), "no fence: " + j);
        JsonNode f = failure(s, "guest1", "host1");
        assertTrue(f != null && f.get("reason").asText().contains("Lost connection to remote executor"), s.toString());
        assertEquals("0", lab.cli("enable", "dummy1")[0]);
        lab.await("dummy1 runs in guest1 again", 30_000, x -> role(x, "dummy1").equals("Started guest1"));
    }

    /** A clean stop (SIGTERM) leaves guests running and logs no ERROR on the way out. */
    @Test
    @Order(9)
    void aCleanStopLogsNoError() throws Exception {
        Path log = lab.dir.resolve("daemon.log");
        long before = Files.size(log);
        lab.daemon.destroy();
        assertTrue(lab.daemon.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "stopped");
        assertEquals(0, lab.daemon.exitValue());
        String after = Files.readString(log).substring((int) before);
        assertTrue(after.contains("guestnode stopping"), after);
        assertTrue(after.lines().noneMatch(l -> l.contains(" ERROR ") || l.contains("Exception")), after);
        assertTrue(running(lab.domain("guest1")), "guests keep running");
    }

    static boolean running(String domain) {
        return Shell.run(List.of("virsh", "-c", "lxc:///", "domstate", domain)).output().trim().equals("running");
    }

    static int index(List<String> j, String prefix) {
        for (int i = 0; i < j.size(); i++) {
            if (j.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
