package io.guestnode.operator.cluster;

import io.guestnode.agents.coordination.GuestRecord;
import io.guestnode.agents.coordination.Versioned;
import io.guestnode.agents.domain.DomainAgent;
import io.guestnode.agents.domain.DomainException;
import io.guestnode.agents.domain.DomainState;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.engine.DomainSpecs;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target's half of a live migration. A guest migrated here arrives paused; this host resumes it only once it has
 * claimed it, before its engine is given the guest (so the engine finds it running and connects at once). A guest
 * whose migration here ended otherwise (failed, or its source lost and the guest recovered elsewhere) may have left a
 * paused copy here: it is destroyed, never resumed.
 */
final class Arrivals {
    private static final Logger LOG = LoggerFactory.getLogger(Arrivals.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final DomainAgent domains;
    private final LocalGuests local;
    /** Asks for a watch on a guest's record that runs the next step at once when it changes (a hint only). */
    private final java.util.function.Consumer<String> watch;
    /** Guests on their way here (phase migrating, this host the target), as the last steps read them. */
    private final Set<String> expected = new HashSet<>();
    /** Guests handed over here after their live migration, not yet claimed. */
    private final Set<String> handedHere = new HashSet<>();

    private final Holds holds;

    Arrivals(DomainAgent domains, LocalGuests local, java.util.function.Consumer<String> watch, Holds holds) {
        this.holds = holds;
        this.domains = domains;
        this.local = local;
        this.watch = watch;
    }

    /**
     * One step, before the engine gets its share: {@code claimed} are the guests this host claimed in this step. A guest
     * is resumed only when its source handed it over here after migrating it (the record read this step names this
     * host, placed); a guest migrating here that ends any other way (failed, or recovered after its source was lost,
     * here or elsewhere) has a copy left here destroyed, never resumed: it starts afresh if it is this host's.
     */
    void step(HostMember.Outcome o, Definitions d, Set<String> claimed, String me) {
        handedHere.removeIf(g -> !o.read().guests().containsKey(g)
                || !o.read().guests().get(g).value().owner().equals(Optional.of(me)));
        for (String g : Set.copyOf(expected)) {
            Versioned<GuestRecord> r = o.read().guests().get(g);
            GuestRecord v = r == null ? GuestRecord.NEW : r.value();
            if (v.phase() == GuestRecord.Phase.MIGRATING && v.target().equals(Optional.of(me))) {
                continue; // under way
            }
            expected.remove(g);
            if (v.owner().equals(Optional.of(me)) && v.phase() == GuestRecord.Phase.PLACED) {
                handedHere.add(g);
            } else {
                d.vmOfNode(g).ifPresent(vm -> local.destroy(vm, "left here by a live migration that did not "
                        + "complete"));
            }
        }
        for (String g : claimed) {
            if (handedHere.remove(g)) {
                holds.at(Holds.Step.BEFORE_RESUME, g);
                d.vmOfNode(g).ifPresent(vm -> resumeIfPaused(g, vm));
            }
        }
        o.read().guests().forEach((g, r) -> {
            if (r.value().phase() == GuestRecord.Phase.MIGRATING && r.value().target().equals(Optional.of(me))
                    && expected.add(g)) {
                watch.accept(g); // its handover runs this host's next step at once: the guest waits paused
            }
        });
    }

    /** Whether {@code g} is migrating here (its record named this host its target at the last step). */
    boolean expects(String g) {
        return expected.contains(g);
    }

    private void resumeIfPaused(String g, VmResource vm) {
        DomainState s = domains.monitor(DomainSpecs.of(vm), TIMEOUT);
        if (!s.isRunning() || !s.paused()) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            domains.resume(DomainSpecs.of(vm), TIMEOUT);
            LOG.info("{}: resumed here after its live migration ({} ms)", g, (System.nanoTime() - t0) / 1_000_000);
        } catch (DomainException e) {
            LOG.error("{}: arrived paused and not resumed: {}", g, e.getMessage());
        }
    }
}
