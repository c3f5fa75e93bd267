package io.guestnode.operator.cluster;

import io.guestnode.agents.domain.DomainAgent;
import io.guestnode.agents.domain.DomainException;
import io.guestnode.agents.domain.DomainState;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.engine.DomainSpecs;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The guests' domains on this host, as the cluster room sees them: which run here, and destroying one. */
final class LocalGuests {
    private static final Logger LOG = LoggerFactory.getLogger(LocalGuests.class);
    static final Duration DESTROY_TIMEOUT = Duration.ofSeconds(5);

    private final DomainAgent domains;

    LocalGuests(DomainAgent domains) {
        this.domains = domains;
    }

    /** Destroys the VM's domain; whether it is verified stopped. */
    boolean destroy(VmResource vm, String why) {
        try {
            var r = domains.destroy(DomainSpecs.of(vm), DESTROY_TIMEOUT);
            if (!r.how().equals("already stopped")) {
                LOG.warn("{}: domain {} destroyed ({})", vm.node(), vm.domain().domainName(), why);
            }
            return true;
        } catch (DomainException e) {
            LOG.error("{}: domain {} not destroyed ({}): {}", vm.node(), vm.domain().domainName(), why,
                    e.getMessage());
            return false;
        }
    }

    /** The guest nodes of {@code d} whose domain is not known to be stopped here: running, failed, or unknown. */
    Set<String> runningHere(Definitions d) {
        Set<String> out = new HashSet<>();
        for (VmResource vm : d.vms()) {
            DomainState s = domains.monitor(DomainSpecs.of(vm), DESTROY_TIMEOUT);
            if (s.status() != DomainState.Status.STOPPED) {
                out.add(vm.node()); // never read as stopped
            }
        }
        return out;
    }
}
