package io.guestnode.operator.cluster;

import io.guestnode.agents.coordination.Coordination;
import io.guestnode.agents.coordination.GuestRecord;
import io.guestnode.agents.coordination.Versioned;
import io.guestnode.agents.fencing.HostFenceAgent;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's fencing of lost hosts with an external fence agent, when one is configured. A host that is no longer a
 * member and owns a guest that would be recovered (not frozen: a planned stop leaves its guests running) is fenced
 * once per loss, on a thread of its own (an agent may take seconds); a confirmed "off" is proof of death, so its
 * guests are recovered without waiting the fence delay. A failed or hung agent proves nothing: the fence delay stands.
 * What is known holds for one loss under one leadership: a host seen a member again, or a step this host does not
 * lead, forgets it, so an old "off" never stands for a later loss.
 */
final class HostFencing {
    private static final Logger LOG = LoggerFactory.getLogger(HostFencing.class);
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Optional<HostFenceAgent> agent;
    /** Each lost host's attempt; a finished attempt updates only its own entry. */
    private final Map<String, Attempt> attempts = new ConcurrentHashMap<>();

    /** One attempt to fence a host; {@code off} once the agent confirmed it. */
    private static final class Attempt {
        volatile boolean off;
    }

    HostFencing(Optional<HostFenceAgent> agent) {
        this.agent = agent;
    }

    /** This host does not lead: whatever it learnt is forgotten (a later leadership fences anew). */
    void notLeading() {
        attempts.clear();
    }

    /** The lost hosts a fence agent confirmed off; starts an attempt for each lost host not tried in this loss. */
    Set<String> confirmedOff(Coordination.Snapshot snap) {
        attempts.keySet().removeIf(h -> snap.hosts().contains(h)); // a member again: a later loss is a new one
        if (agent.isEmpty()) {
            return Set.of();
        }
        Set<String> lost = new TreeSet<>();
        for (Versioned<GuestRecord> r : snap.guests().values()) {
            if (r.value().phase() != GuestRecord.Phase.FROZEN) {
                r.value().owner().filter(h -> !snap.hosts().contains(h)).ifPresent(lost::add);
            }
        }
        for (String h : lost) {
            Attempt a = new Attempt();
            if (attempts.putIfAbsent(h, a) == null) {
                Thread.ofVirtual().name("fence " + h).start(() -> fence(h, a));
            }
        }
        Set<String> off = new TreeSet<>();
        attempts.forEach((h, a) -> {
            if (a.off && lost.contains(h)) {
                off.add(h);
            }
        });
        return off;
    }

    private void fence(String host, Attempt a) {
        LOG.warn("{} is lost: fencing it with the fence agent", host);
        HostFenceAgent.Result r = agent.orElseThrow().off(host, TIMEOUT);
        if (attempts.get(host) != a) {
            LOG.info("{}: the fence agent answered ({}) for a loss that is over", host, r.detail());
            return;
        }
        if (r.off()) {
            LOG.warn("{} fenced: confirmed off ({}); its guests are recovered without the fence delay", host,
                    r.detail());
            a.off = true;
        } else {
            LOG.error("{} not fenced ({}): its guests wait for the fence delay", host, r.detail());
        }
    }
}
