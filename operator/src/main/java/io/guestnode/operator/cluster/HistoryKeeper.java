package io.guestnode.operator.cluster;

import io.guestnode.agents.coordination.CoordinationException;
import io.guestnode.agents.coordination.ZkCoordination;
import io.guestnode.operator.planner.Event;
import io.guestnode.operator.planner.Observed.Failure;
import io.guestnode.operator.planner.ResourceNode;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries a guest node's history from host to host through ZooKeeper ({@code history/<guest>}): the host running it
 * publishes the failures of its services when they change; the host that claims it hands them to its engine before
 * the engine gets the guest, so fail counts and migration thresholds hold across a recovery on another host. A history
 * that cannot be read is reported and left out: the guest starts with none.
 */
final class HistoryKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryKeeper.class);

    private final ZkCoordination zk;
    private final Map<String, byte[]> published = new HashMap<>();
    /** What was last published from: unchanged, nothing is encoded again. */
    private SortedMap<ResourceNode, Failure> lastFailures;
    private Set<String> lastHeld = Set.of();

    HistoryKeeper(ZkCoordination zk) {
        this.zk = zk;
    }

    /** For each guest just claimed, its published history to the engine. */
    void adopt(Set<String> claimed, EnginePort engine) throws CoordinationException {
        for (String g : claimed) {
            byte[] b = zk.readHistory(g).orElse(null);
            if (b == null) {
                continue;
            }
            try {
                Map<String, Failure> f = GuestHistory.decode("history of " + g, b);
                engine.adopt(new Event.HistoryAdopted(g, f));
                published.put(g, b);
            } catch (IllegalArgumentException e) {
                LOG.error("{}; the guest starts without it", e.getMessage());
            }
        }
    }

    /**
     * Publishes the history of each guest held here that changed since it was last published; nothing is encoded
     * while the engine's failures and the held guests stay the same (the usual step).
     */
    void publish(Set<String> held, EnginePort engine) throws CoordinationException {
        SortedMap<ResourceNode, Failure> all = engine.failures();
        if (all == lastFailures && held.equals(lastHeld)) {
            return;
        }
        published.keySet().retainAll(held);
        Map<String, Map<String, Failure>> byGuest = new HashMap<>();
        all.forEach((k, f) -> {
            if (held.contains(k.node())) {
                byGuest.computeIfAbsent(k.node(), n -> new TreeMap<>()).put(k.resource(), f);
            }
        });
        for (String g : held) {
            byte[] b = GuestHistory.encode(byGuest.getOrDefault(g, Map.of()));
            if (!Arrays.equals(b, published.get(g))) {
                zk.writeHistory(g, b);
                published.put(g, b);
            }
        }
        lastFailures = all;
        lastHeld = Set.copyOf(held);
    }
}
