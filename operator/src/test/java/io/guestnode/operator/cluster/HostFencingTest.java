package io.guestnode.operator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.agents.coordination.ClaimResult;
import io.guestnode.agents.coordination.GuestRecord;
import io.guestnode.agents.coordination.Timing;
import io.guestnode.agents.coordination.ZkCoordination;
import io.guestnode.agents.domain.LibvirtDomainAgent;
import io.guestnode.agents.fencing.DeadlineFile;
import io.guestnode.agents.fencing.ExternalFenceAgent;
import io.guestnode.operator.definitions.Definitions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader fences a lost host with an external fence agent (a script speaking the fence-agents protocol) on a real
 * ZooKeeper server: a confirmed "off" recovers the host's guest long before the fence delay (30 s here); an agent that
 * fails leaves the guest waiting for it.
 */
class HostFencingTest {
    /** A fence delay far longer than any recovery that does not wait for it. */
    static final Timing T = new Timing(Duration.ofSeconds(6), Duration.ofMillis(3500), Duration.ofSeconds(3),
            Duration.ofSeconds(30));
    static TestingServer zk;
    static LibvirtDomainAgent domains;
    static int roots;

    @BeforeAll
    static void start() throws Exception {
        zk = new TestingServer(true);
        domains = new LibvirtDomainAgent();
    }

    @AfterAll
    static void stop() throws Exception {
        domains.close();
        zk.close();
    }

    static Path agent(Path dir, int rc) throws Exception {
        Path p = Files.writeString(dir.resolve("fence_test"), "#!/bin/sh\ncat >> " + dir.resolve("fenced")
                + "\nexit " + rc + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    /** h2 owns g1 and holds its claim, then its session ends; h1 leads with the agent. How long until h1 holds g1. */
    static long recoveryMs(Path tmp, int agentRc, long withinMs) throws Exception {
        return recoveryMs(tmp, agentRc, withinMs, false);
    }

    /** As above; {@code frozen}: h2 stopped in a planned way first (its guest's record is frozen). */
    static long recoveryMs(Path tmp, int agentRc, long withinMs, boolean frozen) throws Exception {
        String root = "/guestnode/hf" + (++roots);
        Definitions d = ClusterModeTest.defs(tmp, ClusterModeTest.freshPrefix(), 1);
        ZkCoordination h2 = new ZkCoordination(zk.getConnectString(), root, "h2", T);
        h2.join("");
        assertInstanceOf(ClaimResult.Claimed.class, h2.claim("g1", -1,
                GuestRecord.NEW.claimedBy("h2", GuestRecord.Phase.RUNNING)));
        try (ClusterMode h1 = new ClusterMode(new ZkCoordination(zk.getConnectString(), root, "h1", T), T, domains,
                new DeadlineFile(tmp.resolve("wd"), T.watchdogTimeout()), d)) {
            h1.fenceWith(ExternalFenceAgent.of(agent(tmp, agentRc), Files.writeString(tmp.resolve("fence.conf"),
                    "[h2]\nip=10.77.0.252\n")));
            h1.attach(new ClusterModeTest.Share());
            ClusterModeTest.await("h1 leads and sees h2 a member", 10_000, () -> h1.view() != null
                    && h1.view().leader().equals("h1") && h1.view().hosts().contains("h2"));
            long t0 = System.nanoTime();
            if (frozen) {
                h2.freeze("g1");
            }
            h2.close(); // its session ends: it leaves, its claim vanishes
            long end = t0 + withinMs * 1_000_000;
            while (!h1.held().contains("g1") && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            return h1.held().contains("g1") ? (System.nanoTime() - t0) / 1_000_000 : -1;
        }
    }

    @Test
    void aHostConfirmedOffLosesItsGuestsWithoutTheFenceDelay(@TempDir Path tmp) throws Exception {
        long ms = recoveryMs(tmp, 0, 15_000);
        assertTrue(ms >= 0, "g1 recovered on h1");
        assertTrue(ms < T.fenceDelay().toMillis() / 2, "without the fence delay: " + ms + " ms");
        List<String> said = Files.readAllLines(tmp.resolve("fenced"));
        assertEquals(List.of("ip=10.77.0.252", "action=off", "plug=h2", "nodename=h2"), said, "h2 fenced once");
    }

    /** A host stopped in a planned way left its guests running (frozen): it is not powered off, nothing moves. */
    @Test
    void aHostStoppedInAPlannedWayIsNeverFenced(@TempDir Path tmp) throws Exception {
        assertEquals(-1, recoveryMs(tmp, 0, 4_000, true), "g1 stays frozen with h2");
        assertTrue(!Files.exists(tmp.resolve("fenced")), "the agent never ran");
    }

    @Test
    void anAgentThatFailsLeavesTheGuestToTheFenceDelay(@TempDir Path tmp) throws Exception {
        assertEquals(-1, recoveryMs(tmp, 1, 8_000), "g1 waits for the fence delay");
        assertEquals(List.of("ip=10.77.0.252", "action=off", "plug=h2", "nodename=h2"), Files.readAllLines(
                tmp.resolve("fenced")), "h2 was tried, once");
    }
}
