package io.guestnode.agents.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.Test;

/**
 * The host's own timer over acknowledged writes, on a real three-server ensemble: losing one server is no reason to
 * fence; losing the quorum is, within S of the last acknowledged write and not before; the quorum back, the host is
 * told so.
 */
class HeartbeatTest {
    private static final Timing TIMING = new Timing(Duration.ofSeconds(10), Duration.ofSeconds(6),
            Duration.ofSeconds(6), Duration.ofSeconds(6)); // S 6 s, session moved after 2 s

    /** Three servers as the lab and the README configure them: a 1 s tick, syncLimit 2. */
    static TestingCluster ensemble() {
        List<InstanceSpec> specs = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            specs.add(new InstanceSpec(null, -1, -1, -1, true, id, 1000, -1,
                    java.util.Map.of("syncLimit", "2", "initLimit", "5")));
        }
        return new TestingCluster(specs);
    }

    record Fence(long at, Duration silence) {
    }

    @Test
    void oneServerLostIsNoSelfFenceButTheQuorumLostIs() throws Exception {
        try (TestingCluster cluster = ensemble()) {
            cluster.start();
            List<Fence> fences = new CopyOnWriteArrayList<>();
            List<Long> regained = new CopyOnWriteArrayList<>();
            try (ZkCoordination h1 = new ZkCoordination(cluster.getConnectString(), "/guestnode/hb", "h1", TIMING)) {
                h1.join("addr=10.77.0.1");
                Heartbeat hb = new Heartbeat(TIMING, h1.heartbeatWriter(), h1::moveSession, new Heartbeat.Listener() {
                    @Override
                    public void selfFence(Duration silence) {
                        fences.add(new Fence(System.nanoTime(), silence));
                    }

                    @Override
                    public void quorumRegained() {
                        regained.add(System.nanoTime());
                    }
                }, System::nanoTime);
                try (hb) {
                    hb.start();
                    await(hb::fresh, 5_000);
                    // the server h1 talks to stops: the session moves to another one, nothing is fenced
                    InstanceSpec current = cluster.findConnectionInstance(
                            h1ZooKeeper(h1));
                    cluster.killServer(current);
                    Thread.sleep(TIMING.selfFenceAfter().multipliedBy(2).toMillis());
                    assertEquals(List.of(), fences, "one server of three lost: no self-fence");
                    assertTrue(hb.fresh());

                    // a second server stops: no quorum; the host fences itself within S of its last acknowledged write
                    List<InstanceSpec> alive = new ArrayList<>(cluster.getInstances());
                    alive.remove(current);
                    long lastFresh = hb.freshUntil();
                    cluster.killServer(alive.get(0));
                    await(() -> !fences.isEmpty(), TIMING.sessionTimeout().toMillis());
                    Fence f = fences.get(0);
                    assertTrue(f.at() - hb.freshUntil() >= 0, "not before its lease ran out");
                    assertTrue(f.at() - hb.freshUntil() < Duration.ofMillis(500).toNanos(),
                            "within half a second of it: " + (f.at() - hb.freshUntil()) / 1e6 + " ms late");
                    assertTrue(hb.freshUntil() - lastFresh >= 0);
                    assertFalse(hb.fresh());
                    Thread.sleep(1000);
                    assertEquals(1, fences.size(), "told once");

                    // the quorum returns (before the session expired): the host is told
                    cluster.restartServer(alive.get(0));
                    await(() -> !regained.isEmpty(), 15_000);
                    assertTrue(hb.fresh());
                }
            }
        }
    }

    private static org.apache.zookeeper.ZooKeeper h1ZooKeeper(ZkCoordination h) throws Exception {
        return h.zooKeeper();
    }

    private static void await(java.util.function.BooleanSupplier p, long ms) throws InterruptedException {
        long until = System.nanoTime() + ms * 1_000_000;
        while (!p.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not within " + ms + " ms");
            }
            Thread.sleep(20);
        }
    }
}
