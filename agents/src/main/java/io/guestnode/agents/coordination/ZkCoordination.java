package io.guestnode.agents.coordination;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Coordination} on a ZooKeeper ensemble through Curator. Znodes under {@code <root>}: {@code hosts/<host>}
 * (ephemeral: membership), {@code guests/<guest>} (persistent records, changed only by versioned writes) and
 * {@code claims/<guest>} (ephemeral, in the owning host's session). Curator's connection events and recipes are not
 * relied on for safety: only versioned writes, ephemeral claims and the host's own timer ({@link Heartbeat}).
 */
public final class ZkCoordination implements Coordination {
    private static final Logger LOG = LoggerFactory.getLogger(ZkCoordination.class);

    private final String host;
    private final String root;
    private final CuratorFramework client;
    private volatile byte[] facts = new byte[0];
    private final ZkTraffic traffic = new ZkTraffic();

    /**
     * Connects to the ensemble; returns once connected or throws.
     *
     * @param connect ZooKeeper's connect string (host:port,...)
     * @param root    the cluster's root znode, e.g. {@code /guestnode/cluster1}
     */
    public ZkCoordination(String connect, String root, String host, Timing timing) throws CoordinationException {
        this.host = GuestRecord.checkName(host);
        if (!root.matches("(/[A-Za-z0-9._-]+)+")) {
            throw new IllegalArgumentException("ZooKeeper root '" + root + "' is not a path like /guestnode/cluster1");
        }
        this.root = root;
        int sessionMs = (int) timing.sessionTimeout().toMillis();
        this.client = CuratorFrameworkFactory.builder().connectString(connect).sessionTimeoutMs(sessionMs)
                .connectionTimeoutMs(sessionMs).retryPolicy(new RetryNTimes(2, 200))
                .zookeeperFactory(new ReachableFirst.Factory()).build();
        client.getZookeeperClient().setTracerDriver(traffic);
        client.start();
        try {
            if (!client.blockUntilConnected(sessionMs, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                client.close();
                throw new CoordinationException("no ZooKeeper server of '" + connect + "' answered within "
                        + sessionMs + " ms");
            }
            for (String dir : List.of("hosts", "guests", "claims", "history", "docs")) {
                client.createContainers(root + "/" + dir);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.close();
            throw new CoordinationException("interrupted while connecting to ZooKeeper", e);
        } catch (Exception e) {
            client.close();
            throw new CoordinationException("cannot prepare " + root + " in ZooKeeper: " + e.getMessage(), e);
        }
    }

    @Override
    public String host() {
        return host;
    }

    private String path(String dir, String name) {
        GuestRecord.checkName(name);
        return root + "/" + dir + "/" + name;
    }

    @Override
    public void join(String facts) throws CoordinationException {
        byte[] data = facts.getBytes(StandardCharsets.UTF_8);
        this.facts = data;
        call("join as " + host, () -> {
            try {
                client.create().withMode(CreateMode.EPHEMERAL).forPath(path("hosts", host), data);
            } catch (KeeperException.NodeExistsException e) {
                Stat st = client.checkExists().forPath(path("hosts", host));
                if (st == null || st.getEphemeralOwner() != sessionId()) {
                    throw new CoordinationException("host " + host + " is already a member in another session: is "
                            + "another guestnode running with this node name?");
                }
            }
            return null;
        });
    }

    @Override
    public Set<String> hosts() throws CoordinationException {
        return call("list hosts", () -> new HashSet<>(client.getChildren().forPath(root + "/hosts")));
    }

    @Override
    public Optional<Versioned<GuestRecord>> guest(String guest) throws CoordinationException {
        String p = path("guests", guest);
        return call("read " + p, () -> {
            Stat st = new Stat();
            try {
                byte[] data = client.getData().storingStatIn(st).forPath(p);
                return Optional.of(new Versioned<>(GuestRecord.decode(p, data), st.getVersion()));
            } catch (KeeperException.NoNodeException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public ClaimResult claim(String guest, int expectedVersion, GuestRecord next) throws CoordinationException {
        String record = path("guests", guest);
        String claim = path("claims", guest);
        if (!next.owner().equals(Optional.of(host))) {
            throw new IllegalArgumentException("a claim by " + host + " must make it the owner, not " + next.owner());
        }
        return call("claim " + guest, () -> {
            CuratorOp write = expectedVersion < 0
                    ? client.transactionOp().create().forPath(record, next.encode())
                    : client.transactionOp().setData().withVersion(expectedVersion).forPath(record, next.encode());
            CuratorOp take = client.transactionOp().create().withMode(CreateMode.EPHEMERAL).forPath(claim,
                    host.getBytes(StandardCharsets.UTF_8));
            try {
                client.transaction().forOperations(write, take);
            } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException e) {
                return reconcile(guest, next, e);
            }
            Stat st = client.checkExists().forPath(record);
            return new ClaimResult.Claimed(next, st == null ? -1 : st.getVersion());
        });
    }

    /**
     * A claim that found the record changed or the claim taken. When the transaction had in fact gone through (a
     * retry after a lost answer), the record says so and the claim is in this session: it is this host's.
     */
    private ClaimResult reconcile(String guest, GuestRecord next, KeeperException why) throws Exception {
        Optional<Versioned<GuestRecord>> now = guest(guest);
        Stat claim = client.checkExists().forPath(path("claims", guest));
        if (now.isPresent() && now.get().value().equals(next) && claim != null
                && claim.getEphemeralOwner() == sessionId()) {
            return new ClaimResult.Claimed(next, now.get().version());
        }
        String holder = claimHolder(guest).orElse("nobody");
        return new ClaimResult.Lost(guest + ": " + (why instanceof KeeperException.BadVersionException
                ? "its record changed meanwhile" : "its record or claim exists already") + " (owner "
                + now.flatMap(v -> v.value().owner()).orElse("none") + ", claim held by " + holder + ")");
    }

    @Override
    public boolean holdsClaim(String guest) throws CoordinationException {
        String p = path("claims", guest);
        return call("read " + p, () -> {
            client.sync().forPath(p); // a quorum's view, not a lagging server's
            Stat st = client.checkExists().forPath(p);
            return st != null && st.getEphemeralOwner() == sessionId();
        });
    }

    @Override
    public Optional<String> claimHolder(String guest) throws CoordinationException {
        String p = path("claims", guest);
        return call("read " + p, () -> {
            try {
                String h = new String(client.getData().forPath(p), StandardCharsets.UTF_8);
                return Optional.of(GuestRecord.checkName(h));
            } catch (KeeperException.NoNodeException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public void release(String guest) throws CoordinationException {
        String p = path("claims", guest);
        call("release " + p, () -> {
            Stat st = client.checkExists().forPath(p);
            if (st != null && st.getEphemeralOwner() == sessionId()) {
                try {
                    client.delete().withVersion(st.getVersion()).forPath(p);
                } catch (KeeperException.NoNodeException gone) {
                    // released meanwhile
                }
            }
            return null;
        });
    }

    /**
     * Runs {@code then} once when the guest's record changes after now: only a hint to look again sooner, never a
     * decision (every decision reads the record and writes by version).
     */
    public void onRecordChange(String guest, Runnable then) {
        try {
            client.checkExists().usingWatcher((org.apache.zookeeper.Watcher) e -> then.run())
                    .forPath(path("guests", guest));
        } catch (Exception e) {
            LOG.debug("no watch on {}: {}", guest, e.getMessage());
        }
    }

    @Override
    public boolean handOver(String guest, int expectedVersion, GuestRecord next) throws CoordinationException {
        return call("hand over " + guest, () -> ClaimHandover.run(client, path("guests", guest),
                path("claims", guest), sessionId(), expectedVersion, next));
    }

    @Override
    public Snapshot snapshot() throws CoordinationException {
        return call("read the cluster", () -> {
            client.sync().forPath(root + "/guests");
            Set<String> hosts = new HashSet<>(client.getChildren().forPath(root + "/hosts"));
            java.util.Map<String, Versioned<GuestRecord>> guests = new java.util.HashMap<>();
            java.util.Map<String, String> unreadable = new java.util.HashMap<>();
            for (String g : client.getChildren().forPath(root + "/guests")) {
                try {
                    guest(g).ifPresent(v -> guests.put(g, v));
                } catch (CoordinationException e) {
                    unreadable.put(g, e.getMessage());
                }
            }
            java.util.Map<String, String> claims = new java.util.HashMap<>();
            for (String g : client.getChildren().forPath(root + "/claims")) {
                try {
                    claimHolder(g).ifPresent(h -> claims.put(g, h));
                } catch (CoordinationException e) {
                    unreadable.put("claim " + g, e.getMessage());
                }
            }
            return new Snapshot(hosts, guests, claims, unreadable);
        });
    }

    @Override
    public boolean writeRecord(String guest, int expectedVersion, GuestRecord next) throws CoordinationException {
        String p = path("guests", guest);
        return call("write " + p, () -> {
            try {
                if (expectedVersion < 0) {
                    client.create().forPath(p, next.encode());
                } else {
                    client.setData().withVersion(expectedVersion).forPath(p, next.encode());
                }
                return true;
            } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException e) {
                return false;
            }
        });
    }

    /**
     * The heartbeat's write: this host's membership znode, rewritten; acknowledged only by a quorum. In a new session
     * (the old one expired) the znode is gone: it is made again, and the next write is acknowledged.
     */
    public Heartbeat.Writer heartbeatWriter() {
        String p = path("hosts", host);
        return (long sentAt, LongConsumer acknowledged) -> {
            try {
                client.setData().inBackground((c, event) -> {
                    if (event.getResultCode() == KeeperException.Code.OK.intValue()) {
                        acknowledged.accept(sentAt);
                    } else if (event.getResultCode() == KeeperException.Code.NONODE.intValue()) {
                        c.create().withMode(CreateMode.EPHEMERAL).inBackground().forPath(p, facts);
                    }
                }).forPath(p, facts);
            } catch (Exception e) {
                LOG.debug("heartbeat not sent: {}", e.toString());
            }
        };
    }

    /**
     * Moves this host's session to another server of the ensemble: the client drops its connection to the silent
     * server and reconnects, with the same session, to the next one of its list.
     */
    public void moveSession() {
        try {
            client.getZookeeperClient().getZooKeeper().getTestable().closeSocket();
        } catch (Exception e) {
            LOG.debug("could not drop the connection to the current ZooKeeper server: {}", e.toString());
        }
    }

    long sessionId() throws Exception {
        return client.getZookeeperClient().getZooKeeper().getSessionId();
    }

    org.apache.zookeeper.ZooKeeper zooKeeper() throws Exception {
        return client.getZookeeperClient().getZooKeeper();
    }

    @FunctionalInterface
    interface ZkCall<T> {
        T run() throws Exception;
    }

    static <T> T call(String what, ZkCall<T> c) throws CoordinationException {
        try {
            return c.run();
        } catch (CoordinationException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new CoordinationException(what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinationException(what + ": interrupted", e);
        } catch (Exception e) {
            throw new CoordinationException(what + ": " + e.getMessage(), e);
        }
    }

    /** The leader znode ({@code root/leader}) as this host sees it. */
    public LeaderZnode leader() {
        return new LeaderZnode(client, root + "/leader", host, this::sessionId);
    }

    /** Writes the guest's history (what the host taking it over keeps); last writer wins. */
    public void writeHistory(String guest, byte[] bytes) throws CoordinationException {
        String p = path("history", guest);
        call("write " + p, () -> {
            try {
                client.setData().forPath(p, bytes);
            } catch (KeeperException.NoNodeException e) {
                client.create().forPath(p, bytes);
            }
            return null;
        });
    }

    /** The guest's history, if any host wrote one. */
    public Optional<byte[]> readHistory(String guest) throws CoordinationException {
        String p = path("history", guest);
        return call("read " + p, () -> {
            try {
                return Optional.of(client.getData().forPath(p));
            } catch (KeeperException.NoNodeException e) {
                return Optional.empty();
            }
        });
    }

    /** How many writes and reads this host sent to ZooKeeper since it connected. */
    public Traffic traffic() {
        return traffic.counts();
    }

    /** Operations sent to ZooKeeper. */
    public record Traffic(long writes, long reads) {
    }

    /** The cluster-wide document {@code root/name} (e.g. the definitions), read and replaced by version. */
    public SharedDocument document(String name) {
        return new SharedDocument(client, path("docs", name));
    }

    /** What this host says of itself from its next heartbeat on (e.g. the digest of its definitions). */
    public void facts(String f) {
        this.facts = f.getBytes(StandardCharsets.UTF_8);
    }

    /** What each member host says of itself, by host (a host whose znode cannot be read is left out). */
    public java.util.Map<String, String> hostFacts() throws CoordinationException {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        for (String h : hosts()) {
            try {
                byte[] b = client.getData().forPath(path("hosts", h));
                if (b.length <= GuestRecord.MAX_BYTES) {
                    out.put(h, new String(b, StandardCharsets.UTF_8));
                }
            } catch (Exception e) {
                // gone meanwhile, or not a host name: not a member's facts
            }
        }
        return out;
    }

    /**
     * A planned stop: the guest's record, if this host owns it, becomes frozen (it keeps running and nobody recovers
     * it); a record changed meanwhile is left as it is.
     */
    public void freeze(String guest) throws CoordinationException {
        Optional<Versioned<GuestRecord>> r = guest(guest);
        if (r.isPresent() && r.get().value().owner().equals(Optional.of(host))) {
            GuestRecord v = r.get().value();
            writeRecord(guest, r.get().version(), new GuestRecord(v.owner(), v.epoch(), GuestRecord.Phase.FROZEN,
                    v.target()));
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
