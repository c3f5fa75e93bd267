package io.guestnode.operator.cluster;

import io.guestnode.agents.domain.DomainAgent;
import io.guestnode.agents.domain.DomainEventListener;
import io.guestnode.agents.domain.DomainException;
import io.guestnode.agents.domain.DomainSpec;
import io.guestnode.agents.domain.DomainState;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The domain agent of a host among several: a domain starts only when this host may start it at that moment (its
 * lease on the cluster is fresh and a quorum says it holds the guest's claim, asked right before the call). Every
 * other call passes through. The last guard: whatever path asks for a start, none happens without the claim.
 */
public final class ClaimGuard implements DomainAgent {
    private final DomainAgent domains;
    private final Function<String, Optional<String>> refusal;

    /**
     * @param refusal for a domain name, why this host may not start it now; empty when it may
     */
    public ClaimGuard(DomainAgent domains, Function<String, Optional<String>> refusal) {
        this.domains = domains;
        this.refusal = refusal;
    }

    @Override
    public DomainState start(DomainSpec spec, Duration timeout) throws DomainException {
        Optional<String> no = refusal.apply(spec.name());
        if (no.isPresent()) {
            throw new DomainException(DomainException.Kind.REFUSED, spec.name() + ": not started: " + no.get(), null);
        }
        return domains.start(spec, timeout);
    }

    /** A resume runs the guest again: guarded as a start. */
    @Override
    public DomainState resume(DomainSpec spec, Duration timeout) throws DomainException {
        Optional<String> no = refusal.apply(spec.name());
        if (no.isPresent()) {
            throw new DomainException(DomainException.Kind.REFUSED, spec.name() + ": not resumed: " + no.get(), null);
        }
        return domains.resume(spec, timeout);
    }

    @Override
    public void migrate(DomainSpec spec, String destinationUri, boolean unsafe, Duration timeout)
            throws DomainException {
        domains.migrate(spec, destinationUri, unsafe, timeout);
    }

    @Override
    public StopResult stop(DomainSpec spec, Duration timeout) throws DomainException {
        return domains.stop(spec, timeout);
    }

    @Override
    public StopResult destroy(DomainSpec spec, Duration timeout) throws DomainException {
        return domains.destroy(spec, timeout);
    }

    @Override
    public DomainState monitor(DomainSpec spec, Duration timeout) {
        return domains.monitor(spec, timeout);
    }

    @Override
    public void addListener(DomainEventListener listener) {
        domains.addListener(listener);
    }

    @Override
    public void close() {
        domains.close();
    }
}
