package io.guestnode.operator.simulate;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.Observed;
import io.guestnode.operator.planner.Observed.ServiceStatus;
import io.guestnode.operator.planner.Observed.VmStatus;
import io.guestnode.operator.planner.ObservedState;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The running daemon's observed state as a simulation's starting point ({@code guestnode simulate --live}): what runs
 * where, as the daemon knows it (what it is about to verify counted as running). The actions it has in flight are
 * planned again, as if they had not begun: the simulation shows what happens from here with every action succeeding.
 */
public final class LiveImport {
    private LiveImport() {
    }

    public static StatusImport.Imported of(Definitions d, ObservedState s) {
        ObservedState.Mutable m = s.edit();
        List.copyOf(s.inFlight()).forEach(m.inFlight::remove);
        // what is to be verified after a reconnection is counted as running, as the report shows it: the simulation's
        // probes would find it stopped (as crm_simulate's do) and start it again
        s.services().forEach((rn, svc) -> {
            if (svc.status() == ServiceStatus.UNVERIFIED && !svc.restarting()) {
                m.services.put(rn, new Observed.Service(ServiceStatus.RUNNING, svc.monitors(), svc.since()));
            } else if (svc.status() == ServiceStatus.UNVERIFIED) {
                // to restart in place after its guest's fence: stopped, and started again there
                m.services.put(rn, new Observed.Service(ServiceStatus.STOPPED, Set.of(), svc.since(), true));
            }
        });
        List<StatusImport.Placed> placed = new ArrayList<>();
        List<String> nodes = new ArrayList<>(List.of(d.hostNode()));
        for (VmResource v : d.vms()) {
            nodes.add(v.node());
            VmStatus st = s.vm(v.id()).status();
            boolean fence = s.guest(v.node()).fenceNeeded();
            if (st == VmStatus.RUNNING || st == VmStatus.FAILED) {
                placed.add(new StatusImport.Placed(v.id(), d.hostNode(), st == VmStatus.RUNNING && !fence
                        ? RoleInHistory.STARTED : RoleInHistory.FAILED, st == VmStatus.FAILED || fence));
            }
            if (s.connection(v.node()).up()) {
                placed.add(new StatusImport.Placed(v.node(), d.hostNode(), RoleInHistory.STARTED, false));
            } else if (s.guest(v.node()).unclean() && (st == VmStatus.RUNNING || st == VmStatus.FAILED)) {
                // lost with its guest, which is yet to be fenced or restarted: it counts as active until then, failed
                // when the loss was its own failure (as Pacemaker recovers it, or restarts it after the VM)
                boolean failed = s.failure(v.node(), d.hostNode()).isPresent();
                placed.add(new StatusImport.Placed(v.node(), d.hostNode(), failed ? RoleInHistory.FAILED
                        : RoleInHistory.STARTED, failed));
            }
        }
        s.services().forEach((rn, svc) -> {
            if (svc.active() && !(svc.status() == ServiceStatus.UNVERIFIED && svc.restarting())) {
                boolean failed = svc.status() != ServiceStatus.RUNNING && svc.status() != ServiceStatus.UNVERIFIED;
                placed.add(new StatusImport.Placed(rn.resource(), rn.node(), switch (svc.status()) {
                    case STOP_FAILED -> RoleInHistory.STOP_FAILED;
                    case FAILED -> RoleInHistory.FAILED;
                    default -> RoleInHistory.STARTED;
                }, failed || s.guest(rn.node()).fenceNeeded()));
            }
        });
        return new StatusImport.Imported(m.done(), placed, nodes, Set.of());
    }
}
