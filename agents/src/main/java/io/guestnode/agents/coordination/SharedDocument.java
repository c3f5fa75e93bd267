package io.guestnode.agents.coordination;

import java.util.Optional;
import java.util.OptionalInt;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * One document every host of the cluster reads (e.g. the definitions): a persistent znode replaced only by a
 * conditional write naming the version it replaces. Reads see a quorum's view.
 */
public final class SharedDocument {
    /** ZooKeeper refuses a znode larger than about 1 MiB (jute.maxbuffer); this leaves room for the request. */
    public static final int MAX_BYTES = 1_000_000;

    private final CuratorFramework client;
    private final String path;

    SharedDocument(CuratorFramework client, String path) {
        this.client = client;
        this.path = path;
    }

    /**
     * The document's version as the connected server has it (it may lag a quorum by a moment), or empty when nobody
     * wrote it yet; one small read, for polling.
     */
    public OptionalInt version() throws CoordinationException {
        return ZkCoordination.call("read " + path, () -> {
            Stat st = client.checkExists().forPath(path);
            return st == null ? OptionalInt.empty() : OptionalInt.of(st.getVersion());
        });
    }

    /** The document and its version, or empty when nobody wrote it yet. */
    public Optional<Versioned<byte[]>> read() throws CoordinationException {
        return ZkCoordination.call("read " + path, () -> {
            client.sync().forPath(path);
            Stat st = new Stat();
            try {
                byte[] b = client.getData().storingStatIn(st).forPath(path);
                return Optional.of(new Versioned<>(b, st.getVersion()));
            } catch (KeeperException.NoNodeException e) {
                return Optional.empty();
            }
        });
    }

    /**
     * Replaces the document if it is still at {@code expectedVersion} (-1: nobody wrote it yet); false, and nothing
     * written, when another write came first.
     *
     * @throws IllegalArgumentException when {@code data} is larger than {@link #MAX_BYTES}
     */
    public boolean write(int expectedVersion, byte[] data) throws CoordinationException {
        if (data.length > MAX_BYTES) {
            throw new IllegalArgumentException(path + ": " + data.length + " bytes, more than ZooKeeper takes ("
                    + MAX_BYTES + ")");
        }
        return ZkCoordination.call("write " + path, () -> {
            try {
                if (expectedVersion < 0) {
                    client.create().forPath(path, data);
                } else {
                    client.setData().withVersion(expectedVersion).forPath(path, data);
                }
                return true;
            } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException
                     | KeeperException.NoNodeException e) {
                return false;
            }
        });
    }
}
