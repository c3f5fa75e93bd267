package io.guestnode.agents.coordination;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import org.apache.curator.utils.ZookeeperFactory;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ConnectStringParser;
import org.apache.zookeeper.client.HostProvider;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * Which ZooKeeper server the client tries next: the next one in turn that accepts a TCP connection within
 * {@link #PROBE}. The client's own order would try a powered-off server too, and spend a third of the session timeout
 * on its silence before the next; when the ensemble's leader's host is lost, the hosts' writes would then wait for
 * that on top of the election, and S is no longer enough. When no server answers, the next in turn is tried after the
 * spin delay, as the client's own provider does.
 */
final class ReachableFirst implements HostProvider {
    static final int PROBE = 300;
    /** Two choices closer than this: the second waits (servers that accept and then refuse sessions, in election). */
    private static final long MIN_GAP_NANOS = 200_000_000L;

    private final List<InetSocketAddress> servers;
    private int current = -1;
    private long lastNext;

    ReachableFirst(Collection<InetSocketAddress> servers) {
        List<InetSocketAddress> s = new ArrayList<>(servers);
        Collections.shuffle(s); // hosts spread over the servers, as with the client's own provider
        this.servers = List.copyOf(s);
    }

    @Override
    public int size() {
        return servers.size();
    }

    @Override
    public synchronized InetSocketAddress next(long spinDelay) {
        pace();
        for (int i = 1; i <= servers.size(); i++) {
            int idx = Math.floorMod(current + i, servers.size());
            InetSocketAddress a = resolved(servers.get(idx));
            if (answers(a)) {
                current = idx;
                return a;
            }
        }
        current = Math.floorMod(current + 1, servers.size());
        sleep(spinDelay);
        return resolved(servers.get(current));
    }

    private void pace() {
        long since = System.nanoTime() - lastNext;
        if (lastNext != 0 && since < MIN_GAP_NANOS) {
            sleep((MIN_GAP_NANOS - since) / 1_000_000);
        }
        lastNext = System.nanoTime();
    }

    /** Whether a TCP connection to {@code a} is accepted within {@link #PROBE} ms. */
    static boolean answers(InetSocketAddress a) {
        if (a.isUnresolved()) {
            return false;
        }
        try (Socket s = new Socket()) {
            s.connect(a, PROBE);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static InetSocketAddress resolved(InetSocketAddress a) {
        return a.isUnresolved() ? new InetSocketAddress(a.getHostString(), a.getPort()) : a;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void onConnected() {
    }

    /** The handles of {@link ZkCoordination}: their clients try the servers that answer first. */
    static final class Factory implements ZookeeperFactory {
        @Override
        public ZooKeeper newZooKeeper(String connect, int sessionMs, Watcher w, boolean readOnly) throws IOException {
            return new ZooKeeper(connect, sessionMs, w, readOnly, of(connect));
        }

        @Override
        public ZooKeeper newZooKeeper(String connect, int sessionMs, Watcher w, boolean readOnly, ZKClientConfig c)
                throws IOException {
            return c == null ? newZooKeeper(connect, sessionMs, w, readOnly)
                    : new ZooKeeper(connect, sessionMs, w, readOnly, of(connect), c);
        }

        private static ReachableFirst of(String connect) {
            return new ReachableFirst(new ConnectStringParser(connect).getServerAddresses());
        }
    }

    @Override
    public boolean updateServerList(Collection<InetSocketAddress> serverAddresses, InetSocketAddress currentHost) {
        return false; // the ensemble is the one the host was started with
    }
}
