package io.guestnode.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guestnode.agents.testing.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lab of several simulated hypervisor hosts (bin/lab): three hosts with their own libvirtd and ZooKeeper server;
 * guests on two of them reach their hosts and every host but never each other; a power-off silences a host and ends
 * every process of it (its ZooKeeper server too, the other two keep a quorum); a powered-on host comes back empty;
 * a partitioned host is unreachable until healed; down leaves nothing behind.
 */
class LabIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path ROOT = Path.of(System.getProperty("guestnode.root", "..")).toAbsolutePath().normalize();
    private static final Path SHARED = Path.of("/run/guestnode-lab/shared");

    @BeforeAll
    static void up() {
        assumeTrue(Shell.isRoot(), "the lab needs root");
        lab("down");
        Shell.Result r = lab("up", "--hosts", "3");
        assertEquals(0, r.exitCode(), r.output());
    }

    @AfterAll
    static void down() {
        if (Shell.isRoot()) {
            lab("down");
        }
    }

    static Shell.Result lab(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/lab").toString()));
        cmd.addAll(List.of(args));
        return Shell.run(cmd);
    }

    static JsonNode status() throws Exception {
        Shell.Result r = lab("status", "--json");
        assertEquals(0, r.exitCode(), r.output());
        return JSON.readTree(r.output());
    }

    static JsonNode host(JsonNode status, String name) {
        for (JsonNode h : status) {
            if (h.get("host").asText().equals(name)) {
                return h;
            }
        }
        throw new AssertionError("no host " + name + " in " + status);
    }

    static void await(String what, long ms, java.util.function.BooleanSupplier p) throws InterruptedException {
        long until = System.nanoTime() + ms * 1_000_000;
        while (!p.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not within " + ms + " ms: " + what);
            }
            Thread.sleep(200);
        }
    }

    /** Whether {@code host} connects to {@code addr}:{@code port}. */
    static boolean reaches(String host, String addr, int port) {
        return lab("exec", host, "timeout", "3", "bash", "-c", "exec 3<>/dev/tcp/" + addr + "/" + port).exitCode() == 0;
    }

    @Test
    void threeHostsWithAQuorumGuestsReachHostsNeverEachOther() throws Exception {
        JsonNode s = status();
        assertEquals(3, s.size());
        int leaders = 0;
        for (JsonNode h : s) {
            assertEquals("up", h.get("state").asText(), s.toString());
            leaders += h.get("zookeeper").asText().equals("leader") ? 1 : 0;
        }
        assertEquals(1, leaders, s.toString());
        assertEquals("h2", lab("exec", "h2", "hostname").output().trim());

        Path keys = Files.createDirectories(SHARED.resolve("keys/lg"));
        byte[] key = new byte[4096];
        new java.security.SecureRandom().nextBytes(key);
        Files.write(keys.resolve("authkey"), key);
        Files.setPosixFilePermissions(keys, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        for (int g = 1; g <= 2; g++) {
            Shell.Result t = Shell.run(List.of(ROOT.resolve("bin/guestnode").toString(), "template", "lxc", "--name",
                    "lg" + g, "--addr", "10.251.1." + g, "--images", System.getenv().getOrDefault("GUESTNODE_IMAGES",
                            ROOT.resolve(".cache/images").toString()), "--key-dir", keys.toString()));
            assertEquals(0, t.exitCode(), t.output());
            Files.writeString(SHARED.resolve("lg" + g + ".xml"), t.output());
            Shell.Result c = lab("exec", "h" + g, "virsh", "-q", "-c", "lxc:///", "create",
                    SHARED.resolve("lg" + g + ".xml").toString());
            assertEquals(0, c.exitCode(), c.output());
        }
        await("both guests' remoted listen", 60_000, () -> reaches("h3", "10.251.1.1", 3121)
                && reaches("h3", "10.251.1.2", 3121));
        assertTrue(reaches("h1", "10.251.1.2", 3121), "a host reaches a guest on another host");
        Shell.Result fromGuest = lab("exec", "h1", "virsh", "-q", "-c", "lxc:///", "lxc-enter-namespace", "lg1",
                "--noseclabel", "/bin/bash", "-c", "timeout 3 bash -c 'exec 3<>/dev/tcp/10.251.1.2/3121'");
        assertNotEquals(0, fromGuest.exitCode(), "a guest must not reach a guest on another host");
        assertEquals("lg1", host(status(), "h1").get("guests").get(0).asText());
    }

    @Test
    void aPowerCutEndsEveryProcessOfTheHostAndItComesBackEmpty() throws Exception {
        assertEquals(0, lab("power-off", "h3").exitCode());
        JsonNode s = status();
        assertEquals("off", host(s, "h3").get("state").asText());
        await("a quorum of the two others", 30_000, () -> {
            try {
                JsonNode now = status();
                return List.of("leader", "follower").contains(host(now, "h1").get("zookeeper").asText())
                        && List.of("leader", "follower").contains(host(now, "h2").get("zookeeper").asText());
            } catch (Exception e) {
                return false;
            }
        });
        assertFalse(reaches("h1", "10.77.0.3", 2181), "a powered-off host answers nothing");
        assertEquals(0, lab("power-on", "h3").exitCode());
        await("h3 back with its ZooKeeper server", 60_000, () -> {
            try {
                String zk = host(status(), "h3").get("zookeeper").asText();
                return zk.equals("follower") || zk.equals("leader");
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals(0, host(status(), "h3").get("guests").size(), "it comes back empty");
    }

    @Test
    void aPartitionedHostIsUnreachableUntilHealed() throws Exception {
        assertEquals(0, lab("partition", "h2").exitCode());
        assertEquals("silent", host(status(), "h2").get("state").asText());
        Shell.Result ping = Shell.run(List.of("timeout", "3", "bash", "-c", "exec 3<>/dev/tcp/10.77.0.2/2181"));
        assertNotEquals(0, ping.exitCode(), "nothing reaches a partitioned host");
        assertEquals(0, lab("heal", "h2").exitCode());
        await("h2 answers again", 10_000, () -> Shell.run(List.of("timeout", "3", "bash", "-c",
                "exec 3<>/dev/tcp/10.77.0.2/2181")).exitCode() == 0);
    }
}
