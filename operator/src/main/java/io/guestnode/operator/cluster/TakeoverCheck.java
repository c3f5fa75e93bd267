package io.guestnode.operator.cluster;

import io.guestnode.agents.coordination.CoordinationException;
import io.guestnode.agents.coordination.ZkCoordination;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.VmResource;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After another client took a guest's remoted over (and this host closed its session): does this host still own the
 * guest? The claim is read from a quorum's view. When another host holds it, this host stops holding the guest (the
 * guard refuses its start), destroys its copy at once and hands its engine the definitions without it. When nobody
 * holds it, nobody else may run the guest: this host's next step claims it again or destroys it, as it does for any
 * guest found running here. A claim that cannot be read leaves the guest to the lease: a host whose lease runs out
 * destroys every guest anyway.
 */
final class TakeoverCheck {
    private static final Logger LOG = LoggerFactory.getLogger(TakeoverCheck.class);

    private final ZkCoordination zk;
    private final LocalGuests local;
    private final Function<String, Set<String>> release;
    private final BiConsumer<Definitions, Set<String>> share;

    /**
     * @param release stops holding a guest; what this host holds then
     * @param share   hands the engine this host's share of the definitions
     */
    TakeoverCheck(ZkCoordination zk, LocalGuests local, Function<String, Set<String>> release,
                  BiConsumer<Definitions, Set<String>> share) {
        this.zk = zk;
        this.local = local;
        this.release = release;
        this.share = share;
    }

    boolean stillOwner(Definitions d, String guest) {
        Optional<VmResource> vm = d.vmOfNode(guest);
        if (vm.isEmpty()) {
            return false;
        }
        String holder;
        try {
            if (zk.holdsClaim(guest)) {
                return true;
            }
            Optional<String> other = zk.claimHolder(guest).filter(h -> !h.equals(zk.host()));
            if (other.isEmpty()) {
                // nobody else may run it: this host's step claims it again or destroys it, as for any guest found here
                LOG.warn("{}: no other host holds its claim; this host's next step settles it", guest);
                return true;
            }
            holder = "held by " + other.get();
        } catch (CoordinationException e) {
            LOG.error("{}: its claim could not be read after the takeover ({}); this host's lease decides", guest,
                    e.getMessage());
            return true;
        }
        LOG.error("{}: its claim is {}, not by this host: its copy here is destroyed", guest, holder);
        Set<String> keep = release.apply(guest);
        local.destroy(vm.get(), "another client took it over and this host does not hold its claim");
        share.accept(d, keep);
        return false;
    }
}
