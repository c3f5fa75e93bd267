package io.guestnode.operator.e2e;

import static io.guestnode.operator.e2e.GuestLab.online;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.guestnode.agents.remote.tls.AuthKey;
import io.guestnode.agents.testing.RemotedSandbox;
import io.guestnode.agents.testing.Shell;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
 * Two LXC guests on the guestnode network, started by the daemon: guestA with the shared key, guestB with a key
 * of its own in the daemon's key directory ({@code STATE/keys/guestB/authkey}), which the shared key does not
 * open, and guestC with an empty key file of its own. guestA and guestB come online, guestC's connection fails
 * alone; and from inside guestA, guestB's pacemaker-remoted cannot be reached while the host can
 * (and the host reaches guestB).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuestIsolationIT {
    static final String HOST = "10.250.0.1";

    @TempDir
    static Path dir;
    static GuestLab lab;
    static byte[] keyB = RemotedSandbox.newKey();

    @BeforeAll
    static void start() throws Exception {
        lab = new GuestLab(dir);
        Path a = lab.guest("guestA", 1, lab.key);
        Path b = lab.guest("guestB", 2, keyB, lab.stateDir.resolve("keys"));
        Path c = lab.guest("guestC", 3, new byte[0], lab.stateDir.resolve("keys"));
        lab.writeDefinitions(GuestLab.vm("guestA", a, 1, lab.addr(1), "") + GuestLab.vm("guestB", b, 2, lab.addr(2),
                "") + GuestLab.vm("guestC", c, 3, lab.addr(3), ""), "");
        lab.startDaemon();
    }

    @AfterAll
    static void stop() throws Exception {
        lab.close();
    }

    @Test
    @Order(1)
    void aGuestWithItsOwnKeyComesOnlineWithIt() throws Exception {
        assertNotEquals(AuthKey.ofBytes("shared", lab.key).fingerprint(), AuthKey.ofBytes("B", keyB).fingerprint());
        lab.await("guestA and guestB online", 30_000, s -> online(s, "guestA") && online(s, "guestB"));
        String log = Files.readString(dir.resolve("daemon.log"));
        assertTrue(log.contains("[guestB] using its own key " + lab.stateDir.resolve("keys/guestB/authkey")
                + " (sha256:" + AuthKey.ofBytes("B", keyB).fingerprint() + ")"), lab.tail());
        assertTrue(!log.contains("[guestA] using its own key"), lab.tail());
    }

    /** guestC's own key file is empty: its connection fails as "key unavailable", the log names the file. */
    @Test
    @Order(2)
    void aGuestWhoseOwnKeyFileIsEmptyFailsAlone() throws Exception {
        JsonNode s = lab.await("guestC's connection failed", 20_000, x -> GuestLab.failure(x, "guestC", "host1")
                != null);
        assertEquals("key unavailable", GuestLab.failure(s, "guestC", "host1").get("status").asText(), s.toString());
        assertTrue(online(s, "guestA") && online(s, "guestB"), s.toString());
        assertTrue(Files.readString(dir.resolve("daemon.log")).contains("[guestC] key file "
                + lab.stateDir.resolve("keys/guestC/authkey") + " is empty"), lab.tail());
    }

    @Test
    @Order(3)
    void aGuestReachesTheHostButNotAnotherGuest() throws Exception {
        JsonNode s = lab.await("guestA and guestB online", 30_000, x -> online(x, "guestA") && online(x, "guestB"));
        assertTrue(online(s, "guestB"));
        long a = lab.initPid("guestA");
        try (ServerSocket host = new ServerSocket()) {
            host.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            assertEquals(0, tcpFromNetns(a, HOST, host.getLocalPort()), "guestA reaches the host");
        }
        try (Socket s2 = new Socket()) {
            s2.connect(new InetSocketAddress(lab.addr(2), 3121), 2_000); // the host reaches guestB
        }
        assertNotEquals(0, tcpFromNetns(a, lab.addr(2), 3121), "guestA reaches guestB's pacemaker-remoted");
    }

    /** Exit code of a TCP connect from the network namespace of process {@code pid}, within 2 s (124: timed out). */
    static int tcpFromNetns(long pid, String addr, int port) {
        return Shell.run(List.of("nsenter", "-t", Long.toString(pid), "-n", "--", "timeout", "2", "bash", "-c",
                "exec 3<>/dev/tcp/" + addr + "/" + port)).exitCode();
    }
}
