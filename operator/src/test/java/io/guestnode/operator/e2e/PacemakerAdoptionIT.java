package io.guestnode.operator.e2e;

import static io.guestnode.operator.e2e.GuestLab.journalSince;
import static io.guestnode.operator.e2e.GuestLab.online;
import static io.guestnode.operator.e2e.GuestLab.role;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.guestnode.agents.testing.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Taking over a running Pacemaker guest-node cluster: Pacemaker 2.1.5 (one node, corosync on 127.0.0.1, in its own
 * mount namespace as bin/bench runs it) starts an LXC guest node with a Dummy in it. While Pacemaker manages it,
 * {@code guestnode adopt} refuses; with the cluster in maintenance mode and Pacemaker stopped, it writes the
 * definitions and state, and the daemon adopts the guest and its Dummy without restarting anything: the same domain,
 * the same remoted, the Dummy's state file untouched, no start or stop in the journal.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PacemakerAdoptionIT {
    @TempDir
    static Path dir;
    static GuestLab lab;
    static Path work;
    static Path root = Path.of(System.getProperty("guestnode.root", "."));

    @BeforeAll
    static void start() throws Exception {
        lab = new GuestLab(dir);
        Path config = lab.guest("guest1", 1, lab.key);
        work = Files.createDirectories(dir.resolve("pacemaker"));
        // Pacemaker's controller runs as hacluster: it reaches the key through the test's directories
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
        Path key = work.resolve("authkey");
        Files.write(key, lab.key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
        Shell.check("chgrp", "haclient", key.toString());
        Files.writeString(work.resolve("resources.xml"), "<resources>" + GuestLab.vm("guest1", config, 1,
                lab.addr(1), "") + GuestLab.dummy("dummy1", "") + "</resources>");
        Files.writeString(work.resolve("constraints.xml"), "<constraints>"
                + "<rsc_location id=\"l1\" rsc=\"dummy1\" node=\"guest1\" score=\"INFINITY\"/>"
                + "<rsc_location id=\"l2\" rsc=\"dummy1\" node=\"host1\" score=\"-INFINITY\"/></constraints>");
        pacemaker("pcmk_install; pcmk_start " + work + " " + key);
        Shell.check("crm_attribute", "-n", "stonith-enabled", "-v", "false");
        Shell.check("crm_attribute", "-n", "no-quorum-policy", "-v", "ignore");
        Shell.check("cibadmin", "--replace", "-o", "resources", "--xml-file", work.resolve("resources.xml").toString());
        Shell.check("cibadmin", "--replace", "-o", "constraints", "--xml-file",
                work.resolve("constraints.xml").toString());
        awaitCrmMon("dummy1 started by Pacemaker in guest1", "dummy1\t(ocf:pacemaker:Dummy):\t Started guest1");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            pacemaker("pcmk_stop " + work + " || true"); // stopped already when the adoption ran
        } finally {
            lab.close();
        }
    }

    /** Runs {@code script} after sourcing the project's Pacemaker helpers; its output goes to pacemaker.out. */
    static void pacemaker(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", "set -e; . bin/lib/common.sh; . bin/lib/pacemaker-cluster.sh; "
                + script).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("pacemaker.out").toFile())).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "not done within 300 s: " + script);
        assertEquals(0, p.exitValue(), script + ": " + Files.readString(dir.resolve("pacemaker.out")));
    }

    static void awaitCrmMon(String what, String line) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String last = "";
        while (System.nanoTime() < end) {
            last = Shell.run(List.of("crm_mon", "-1")).output();
            if (last.contains(line)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("not within 120 s: " + what + "\n" + last);
    }

    static Path cib(String name) throws IOException {
        Path f = work.resolve(name);
        Files.writeString(f, Shell.check("cibadmin", "-Q"));
        return f;
    }

    @Test
    @Order(1)
    void refusedWhilePacemakerManagesTheCluster() throws Exception {
        Path defs = dir.resolve("refused-defs");
        Path state = dir.resolve("refused-state");
        String[] r = lab.cliNoSocket("adopt", "--cib", cib("cib-managed.xml").toString(), "--definitions",
                defs.toString(), "--state-dir", state.toString());
        assertEquals("1", r[0], r[1] + r[2]);
        assertTrue(r[2].contains("Pacemaker runs on this host (pacemaker") && r[2].contains("not in maintenance mode")
                && r[2].contains("nothing was written"), r[2]);
        assertFalse(Files.exists(defs) || Files.exists(state), "nothing written");
    }

    @Test
    @Order(2)
    void adoptedWithoutRestartingAnything() throws Exception {
        Shell.check("crm_attribute", "-n", "maintenance-mode", "-v", "true");
        awaitCrmMon("the cluster in maintenance mode", "Started guest1 (unmanaged)");
        Path cib = cib("cib.xml");
        pacemaker("pcmk_stop " + work);
        String domId = lab.domId("guest1");
        long remoted = lab.remotedPid("guest1");
        String dummyState = Shell.check("nsenter", "-t", Long.toString(lab.initPid("guest1")), "-m", "--", "stat",
                "-c", "%i %Y", "/run/dummy1.state").trim();

        String[] r = lab.cliNoSocket("adopt", "--cib", cib.toString(), "--definitions", lab.defs.toString(),
                "--state-dir", lab.stateDir.toString(), "--node-name", "host1");
        assertEquals("0", r[0], r[1] + r[2]);
        assertTrue(r[1].contains("dummy1 on guest1"), r[1]);
        Instant t0 = Instant.now();
        lab.startDaemon();
        JsonNode s = lab.await("guest1 online with dummy1 adopted", 60_000, x -> online(x, "guest1")
                && role(x, "dummy1").equals("Started guest1"));
        Thread.sleep(3000); // dummy1's monitor (2 s) runs meanwhile
        s = lab.status();
        assertTrue(online(s, "guest1") && role(s, "dummy1").equals("Started guest1"), s.toString());
        List<String> j = journalSince(s, t0.minusSeconds(5));
        assertTrue(j.stream().noneMatch(l -> l.startsWith("start ") || l.startsWith("stop ")
                || l.startsWith("fence") || l.startsWith("restart")), "nothing started or stopped: " + j);
        assertTrue(j.stream().anyMatch(l -> l.startsWith("probe dummy1 on guest1: done (rc=0)")), j.toString());
        assertEquals(domId, lab.domId("guest1"), "the same domain");
        assertEquals(remoted, lab.remotedPid("guest1"), "the same pacemaker-remoted");
        assertEquals(dummyState, Shell.check("nsenter", "-t", Long.toString(lab.initPid("guest1")), "-m", "--",
                "stat", "-c", "%i %Y", "/run/dummy1.state").trim(), "dummy1 not started again");
    }
}
