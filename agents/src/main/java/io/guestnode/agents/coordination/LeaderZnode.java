package io.guestnode.agents.coordination;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader znode (ephemeral, holding the leader's name): whoever holds it plans placement and recovery. Safety does
 * not rest on it, since two leaders at once can only lose compare-and-set races to each other.
 */
public final class LeaderZnode {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderZnode.class);

    private final CuratorFramework client;
    private final String path;
    private final String host;
    private final Callable<Long> sessionId;

    LeaderZnode(CuratorFramework client, String path, String host, Callable<Long> sessionId) {
        this.client = client;
        this.path = path;
        this.host = host;
        this.sessionId = sessionId;
    }

    /** Who leads: the host holding the znode ("" for none), and whether that is this session. */
    public record Leadership(String holder, boolean mine) {
    }

    /**
     * Who leads; with {@code take}, the znode is taken when nobody holds it (a host whose definitions are not the
     * cluster's only looks). One read while it is held, so hosts that do not lead send no write for it.
     */
    public Leadership lead(boolean take) throws CoordinationException {
        return ZkCoordination.call("lead", () -> {
            Stat st = new Stat();
            try {
                String holder = GuestRecord.checkName(new String(client.getData().storingStatIn(st).forPath(path),
                        StandardCharsets.UTF_8));
                return new Leadership(holder, st.getEphemeralOwner() == sessionId.call());
            } catch (KeeperException.NoNodeException free) {
                if (!take) {
                    return new Leadership("", false);
                }
            }
            try {
                client.create().withMode(CreateMode.EPHEMERAL).forPath(path, host.getBytes(StandardCharsets.UTF_8));
                LOG.info("{} leads", host);
                return new Leadership(host, true);
            } catch (KeeperException.NodeExistsException e) {
                return new Leadership("", false); // another host took it first: read at the next step
            }
        });
    }

    /** Gives the znode up if this session holds it (a leader whose definitions are not the cluster's). */
    public void resign() throws CoordinationException {
        ZkCoordination.call("resign", () -> {
            Stat st = client.checkExists().forPath(path);
            if (st != null && st.getEphemeralOwner() == sessionId.call()) {
                try {
                    client.delete().withVersion(st.getVersion()).forPath(path);
                    LOG.warn("{} no longer leads: its definitions are not the cluster's", host);
                } catch (KeeperException.NoNodeException gone) {
                    // released meanwhile
                }
            }
            return null;
        });
    }
}
