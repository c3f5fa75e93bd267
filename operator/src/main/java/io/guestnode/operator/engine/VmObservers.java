package io.guestnode.operator.engine;

import io.guestnode.agents.domain.DomainAgent;
import io.guestnode.agents.domain.DomainEvent;
import io.guestnode.agents.domain.DomainState;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.DomainRef;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.Event;
import io.guestnode.operator.planner.Observed.VmStatus;
import io.guestnode.operator.planner.ObservedState;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What libvirt says of the VMs, turned into events: lifecycle events as they come, a sweep of the VMs whose guest
 * is not connected every {@link #SWEEP} (of every VM every {@link #FULL_SWEEP}), and a check of one VM on request. Calls run on the guest's lane, so a slow libvirt stalls only that
 * guest; silence from libvirt is reported as UNKNOWN, which the reducer never reads as a verdict.
 */
final class VmObservers {
    static final Duration SWEEP = Duration.ofSeconds(10);
    /**
     * A guest whose connection is up proves every few seconds that its VM runs (its pokes, its TCP connection, and
     * libvirt's lifecycle events): its VM is asked of libvirt only every this often, as a backstop. The others (down,
     * coming up, unknown, in maintenance) are asked every {@link #SWEEP}.
     */
    static final Duration FULL_SWEEP = Duration.ofMinutes(5);
    private static final Duration SWEEP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration LOSS_CHECK_TIMEOUT = Duration.ofSeconds(2);

    private final DomainAgent domains;
    private final Lanes lanes;
    private final BiConsumer<VmResource, Event.VmSeen> seen;
    private final Supplier<Definitions> definitions;
    private final Supplier<ObservedState> state;

    VmObservers(DomainAgent domains, Lanes lanes, BiConsumer<VmResource, Event.VmSeen> seen,
                Supplier<Definitions> definitions, Supplier<ObservedState> state) {
        this.domains = domains;
        this.lanes = lanes;
        this.seen = seen;
        this.definitions = definitions;
        this.state = state;
    }

    /**
     * Asks libvirt for the state of the VMs with no action in flight, on each guest's lane: all of them when
     * {@code all}, else those whose guest's connection is not up and usable.
     */
    void sweep(boolean all) {
        ObservedState s = state.get();
        for (VmResource vm : definitions.get().vms()) {
            if (!s.busy("vm:" + vm.id()) && (all || !s.connection(vm.node()).usable())) {
                check(vm);
            }
        }
    }

    /** Every VM: at start-up, when libvirt is back, and every {@link #FULL_SWEEP}. */
    void sweep() {
        sweep(true);
    }

    /** Asks libvirt for one VM's state; reports it when it differs from what is known. */
    void check(VmResource vm) {
        lanes.onLane(vm.node(), () -> {
            DomainState d = domains.monitor(ActionRunner.domainSpec(vm), SWEEP_TIMEOUT);
            VmStatus st = status(d);
            if (st != state.get().vm(vm.id()).status()) {
                seen.accept(vm, new Event.VmSeen(vm.id(), st, d.detail() + " (" + d.evidence() + ")"));
            }
        });
    }

    /**
     * Checks the VM on its lane and reports it when libvirt says it is stopped, then runs {@code then}; false when the
     * lane no longer takes work (closing).
     */
    boolean checkThen(VmResource vm, Runnable then) {
        return lanes.onLane(vm.node(), () -> {
            DomainState d = domains.monitor(ActionRunner.domainSpec(vm), LOSS_CHECK_TIMEOUT);
            if (d.status() == DomainState.Status.STOPPED) {
                seen.accept(vm, new Event.VmSeen(vm.id(), VmStatus.STOPPED, d.detail() + " (" + d.evidence() + ")"));
            }
            then.run();
        });
    }

    /** A lifecycle event from libvirt; on the loop. */
    void onLifecycle(DomainEvent e, Consumer<Event> apply) {
        for (VmResource vm : definitions.get().vms()) {
            if (!vm.domain().domainName().equals(e.domain()) || !DomainRef.sameUri(vm.domain().hypervisor(), e.hypervisorUri())) {
                continue;
            }
            VmStatus st = switch (e.kind()) {
                case STARTED -> VmStatus.RUNNING;
                case CRASHED -> VmStatus.FAILED;
                default -> e.detail().equals("CRASHED") ? VmStatus.FAILED : VmStatus.STOPPED;
            };
            apply.accept(new Event.VmSeen(vm.id(), st, e.detail()));
        }
    }

    static VmStatus status(DomainState d) {
        return switch (d.status()) {
            case RUNNING -> VmStatus.RUNNING;
            case STOPPED -> VmStatus.STOPPED;
            case FAILED -> VmStatus.FAILED;
            case UNKNOWN -> VmStatus.UNKNOWN;
        };
    }
}
