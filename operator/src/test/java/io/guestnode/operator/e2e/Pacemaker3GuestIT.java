package io.guestnode.operator.e2e;

import static io.guestnode.operator.e2e.GuestLab.failure;
import static io.guestnode.operator.e2e.GuestLab.journal;
import static io.guestnode.operator.e2e.GuestLab.online;
import static io.guestnode.operator.e2e.GuestLab.role;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
 * A guest node running Pacemaker 3.0's pacemaker-remoted (the trixie image) beside one running 2.1.5 (the
 * default bookworm image), driven by one daemon: both come online with their Dummy, and a kill -9 of the 3.0
 * guest's remoted is fenced and recovered while the 2.1.5 guest carries on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Pacemaker3GuestIT {
    static final String FAST_MONITOR = StatusJson.FAST_MONITOR;

    @TempDir
    static Path dir;
    static GuestLab lab;

    @BeforeAll
    static void start() throws Exception {
        lab = new GuestLab(dir);
        Path c3 = lab.guestOnImage("pcmk3", 1, lab.key, GuestLab.root("trixie"));
        Path c2 = lab.guest("pcmk2", 2, lab.key);
        lab.writeDefinitions(
                GuestLab.vm("pcmk3", c3, 1, lab.addr(1), FAST_MONITOR)
                        + GuestLab.vm("pcmk2", c2, 2, lab.addr(2), FAST_MONITOR)
                        + GuestLab.dummy("dummy3", "") + GuestLab.dummy("dummy2", ""),
                "<rsc_location id=\"l1\" rsc=\"dummy3\" node=\"pcmk3\" score=\"INFINITY\"/>"
                        + "<rsc_location id=\"l2\" rsc=\"dummy2\" node=\"pcmk2\" score=\"INFINITY\"/>"
                        + "<rsc_location id=\"l3\" rsc=\"dummy3\" node=\"pcmk2\" score=\"-INFINITY\"/>"
                        + "<rsc_location id=\"l4\" rsc=\"dummy2\" node=\"pcmk3\" score=\"-INFINITY\"/>");
        lab.startDaemon();
    }

    @AfterAll
    static void stop() throws Exception {
        lab.close();
    }

    @Test
    @Order(1)
    void bothVersionsComeOnlineWithTheirServices() throws Exception {
        lab.await("pcmk3 and pcmk2 online, dummy3 and dummy2 started", 60_000,
                x -> online(x, "pcmk3") && online(x, "pcmk2") && role(x, "dummy3").equals("Started pcmk3")
                        && role(x, "dummy2").equals("Started pcmk2"));
        assertTrue(remotedVersion("pcmk3").startsWith("3.0"), "pcmk3 runs Pacemaker 3.0: " + remotedVersion("pcmk3"));
        assertTrue(remotedVersion("pcmk2").startsWith("2.1"), "pcmk2 runs Pacemaker 2.1: " + remotedVersion("pcmk2"));
        String[] text = lab.cli("status");
        assertTrue(text[1].contains("GuestOnline: [ pcmk2@host1 pcmk3@host1 ]")
                || text[1].contains("GuestOnline: [ pcmk3@host1 pcmk2@host1 ]"), text[1]);
    }

    /** The recurring monitor runs in the 3.0 guest: a Dummy stopped behind its back is found and restarted. */
    @Test
    @Order(2)
    void recurringMonitorFindsAFailureInThePacemaker3Guest() throws Exception {
        lab.inGuest("pcmk3", "rm", "-f", "/run/dummy3.state");
        JsonNode s = lab.await("dummy3 failed and restarted in pcmk3", 30_000, x -> failure(x, "dummy3", "pcmk3") != null
                && role(x, "dummy3").equals("Started pcmk3"));
        assertTrue(journal(s).stream().anyMatch(l -> l.startsWith("stop dummy3 on pcmk3")), journal(s).toString());
        assertTrue(online(s, "pcmk2") && role(s, "dummy2").equals("Started pcmk2"));
    }

    @Test
    @Order(3)
    void killedPacemaker3RemotedIsFencedAndRecovered() throws Exception {
        String before = lab.domId("pcmk3");
        String other = lab.domId("pcmk2");
        Shell.check("kill", "-9", Long.toString(lab.remotedPid("pcmk3")));
        JsonNode s = lab.await("pcmk3 recovered after the fence", 30_000, x -> online(x, "pcmk3")
                && role(x, "dummy3").equals("Started pcmk3")
                && journal(x).stream().anyMatch(l -> l.startsWith("fence pcmk3 by stopping vm-pcmk3: done")));
        assertFalse(before.equals(lab.domId("pcmk3")), "the domain was stopped and started again");
        JsonNode f = failure(s, "pcmk3", "host1");
        assertNotNull(f, "the failed action names the connection resource pcmk3");
        assertTrue(f.get("reason").asText().contains("Lost connection to remote executor"), f.toString());
        assertTrue(online(s, "pcmk2") && role(s, "dummy2").equals("Started pcmk2"), "the 2.1.5 guest carried on");
        assertTrue(other.equals(lab.domId("pcmk2")), "the 2.1.5 guest was not restarted");
        assertTrue(journal(s).stream().noneMatch(l -> l.startsWith("fence pcmk2")), journal(s).toString());
    }

    /**
     * The 3.0 guest shuts itself down: its remoted announces it and waits for an answer; guestnode acknowledges, stops
     * dummy3 cleanly, closes the connection (remoted then exits), awaits the VM's stop without fencing, counts it as a
     * failure of the VM and starts it again.
     */
    @Test
    @Order(4)
    void cleanShutdownOfAPacemaker3GuestIsAcknowledgedAndRecovered() throws Exception {
        java.time.Instant t0 = java.time.Instant.now();
        Shell.check("virsh", "-c", "lxc:///", "shutdown", "--mode", "signal", lab.domain("pcmk3"));
        JsonNode s = lab.await("pcmk3 back online with dummy3 after its own shutdown", 60_000,
                x -> failure(x, "vm-pcmk3", "host1") != null && online(x, "pcmk3")
                        && role(x, "dummy3").equals("Started pcmk3"));
        List<String> j = GuestLab.journalSince(s, t0);
        int announced = j.indexOf("pcmk3: the guest announced its shutdown (shutdown_req)");
        int stopped = indexOf(j, "stop dummy3 on pcmk3: done");
        int disconnected = indexOf(j, "disconnect pcmk3: done");
        assertTrue(announced >= 0 && stopped > announced && disconnected > stopped,
                "announced, dummy3 stopped cleanly, then the connection closed: " + j);
        assertTrue(j.stream().noneMatch(l -> l.startsWith("fence pcmk3")), "no fence: " + j);
        assertTrue(failure(s, "vm-pcmk3", "host1").get("reason").asText().startsWith("the guest shut itself down"),
                failure(s, "vm-pcmk3", "host1").toString());
        assertTrue(lab.tail().contains("answered the remote executor's shutdown request: shutdown_ack"), lab.tail());
    }

    private static int indexOf(List<String> j, String prefix) {
        for (int i = 0; i < j.size(); i++) {
            if (j.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    /** The version of the pacemaker-remoted a guest runs, read from the package database of its image. */
    private static String remotedVersion(String guest) throws Exception {
        Path status = Path.of("/proc", Long.toString(lab.initPid(guest)), "root", "var/lib/dpkg/status");
        String text = Files.readString(status);
        int at = text.indexOf("Package: pacemaker-remote\n");
        int v = text.indexOf("Version: ", at);
        return text.substring(v + 9, text.indexOf('\n', v));
    }
}
