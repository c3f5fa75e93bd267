package io.guestnode.operator.cluster;

import io.guestnode.agents.coordination.Coordination;
import io.guestnode.agents.coordination.CoordinationException;
import io.guestnode.agents.coordination.GuestRecord;
import io.guestnode.agents.coordination.Versioned;
import io.guestnode.agents.domain.DomainAgent;
import io.guestnode.agents.domain.DomainState;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.engine.DomainSpecs;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source's half of a relocation (stop, hand over, start elsewhere). A guest the leader relocates (phase stopping,
 * with a target) is left out of this host's engine, which stops it in order (services, connection, VM) while this host
 * still holds its claim. Once the engine has let go of it (nothing in flight, the VM verified stopped) and libvirt
 * reports its domain stopped, this host hands it over: in one transaction the record names the target as owner and
 * this host's claim is deleted. The target then claims and starts it. Until the handover nobody else may claim it; after
 * it, this host may not start it (its guard wants the claim): never two copies.
 */
final class Relocations {
    private static final Logger LOG = LoggerFactory.getLogger(Relocations.class);
    private static final Duration MONITOR_TIMEOUT = Duration.ofSeconds(5);

    private final Coordination zk;
    private final DomainAgent domains;

    Relocations(Coordination zk, DomainAgent domains) {
        this.zk = zk;
        this.domains = domains;
    }

    /**
     * Hands over every leaving guest the engine has let go of and whose domain is stopped here; returns those handed
     * over. {@code working} are the guest nodes the engine still works on (empty when there is no engine yet: nothing
     * is handed over then).
     */
    Set<String> handOver(HostMember.Outcome o, Definitions d, Optional<Set<String>> working, Journal journal)
            throws CoordinationException {
        Set<String> handed = new TreeSet<>();
        if (working.isEmpty()) {
            return handed;
        }
        for (String g : o.leaving()) {
            Optional<VmResource> vm = d.vmOfNode(g);
            Versioned<GuestRecord> r = o.read().guests().get(g);
            if (vm.isEmpty() || r == null || working.get().contains(g)) {
                continue;
            }
            DomainState s = domains.monitor(DomainSpecs.of(vm.get()), MONITOR_TIMEOUT);
            if (s.status() != DomainState.Status.STOPPED) {
                continue; // not yet, or libvirt does not say: never handed over on a guess
            }
            String to = r.value().target().orElseThrow();
            if (zk.handOver(g, r.version(), r.value().handedTo(to))) {
                LOG.info("{}: relocated (restart): stopped here, handed over to {}", g, to);
                journal.note(g + ": relocated (restart): stopped on " + zk.host() + ", handed over to " + to);
                handed.add(g);
            }
        }
        return handed;
    }

    /** Where a handover is recorded (the engine's journal). */
    interface Journal {
        void note(String what);
    }
}
