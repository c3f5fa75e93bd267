package io.guestnode.operator.cluster;

import io.guestnode.agents.coordination.Coordination;
import io.guestnode.agents.coordination.CoordinationException;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.VmResource;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Whether this host may start (or resume) a guest's domain at this moment, asked right before the call
 * ({@link ClaimGuard}): the guest is one of the definitions, it is not migrating away from here, this host's lease is
 * fresh, and a quorum says this host's session holds its claim.
 */
final class StartPermit {
    private final Supplier<Definitions> all;
    private final Supplier<Set<String>> held;
    private final Supplier<Set<String>> migrating;
    private final BooleanSupplier fresh;
    private final Duration selfFenceAfter;
    private final Coordination zk;

    StartPermit(Supplier<Definitions> all, Supplier<Set<String>> held, Supplier<Set<String>> migrating,
                BooleanSupplier fresh, Duration selfFenceAfter, Coordination zk) {
        this.all = all;
        this.held = held;
        this.migrating = migrating;
        this.fresh = fresh;
        this.selfFenceAfter = selfFenceAfter;
        this.zk = zk;
    }

    /** Why the domain may not start now; empty when it may. */
    Optional<String> refusal(String domainName) {
        Optional<VmResource> vm = all.get().vms().stream().filter(v -> v.domain().domainName().equals(domainName))
                .findFirst();
        if (vm.isEmpty()) {
            return Optional.of("no guest of the definitions has this domain");
        }
        String g = vm.get().node();
        if (migrating.get().contains(g)) {
            return Optional.of(g + " is migrating live from this host");
        }
        if (!fresh.getAsBoolean()) {
            return Optional.of("this host's lease is not fresh (no write acknowledged by a quorum within "
                    + selfFenceAfter.toMillis() + " ms)");
        }
        try {
            return held.get().contains(g) && zk.holdsClaim(g) ? Optional.empty()
                    : Optional.of("this host does not hold the claim of " + g);
        } catch (CoordinationException e) {
            return Optional.of("the claim of " + g + " could not be read: " + e.getMessage());
        }
    }
}
