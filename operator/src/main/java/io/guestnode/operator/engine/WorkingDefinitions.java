package io.guestnode.operator.engine;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.Orphans;
import io.guestnode.operator.planner.Replacements;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the files declare, and what the planner works on: the declared resources, plus removed ones that still have to
 * stop ({@link Orphans}), with VMs whose identity changed held in their old identity until that is verified stopped
 * ({@link Replacements}). Owned by the control loop; no I/O.
 */
final class WorkingDefinitions {
    private Definitions declared;
    private Definitions working;
    /** Whether a VM is held in its old identity: only then can a change of state release one. */
    private boolean holding;

    /**
     * What a change of the working set asks of the engine.
     *
     * @param journal    what to journal
     * @param lookAfresh VMs new to the working set, or whose domain changed: their state must be asked of libvirt
     */
    record Change(List<String> journal, List<VmResource> lookAfresh) {
        static final Change NONE = new Change(List.of(), List.of());

        boolean isEmpty() {
            return journal.isEmpty() && lookAfresh.isEmpty();
        }
    }

    WorkingDefinitions(Definitions initial) {
        this.declared = initial;
        this.working = initial;
    }

    Definitions working() {
        return working;
    }

    /**
     * Takes new definitions; empty when they equal the declared ones.
     *
     * @throws IllegalArgumentException when they give a domain that another guest node may still run to a new one
     */
    Optional<Change> replace(Definitions d, ObservedState s) {
        if (d.equals(declared)) {
            return Optional.empty();
        }
        Replacements.conflict(working, d).ifPresent(why -> {
            throw new IllegalArgumentException(why);
        });
        Definitions held = Replacements.hold(working, Orphans.merge(working, d), s);
        List<String> journal = new ArrayList<>();
        Map<String, VmResource> before = working.vmsByNode();
        Map<String, VmResource> heldByNode = held.vmsByNode();
        for (VmResource v : d.vms()) {
            Optional.ofNullable(before.get(v.node())).flatMap(old -> Replacements.identityChange(old, v))
                    .ifPresent(why -> journal.add(v.id() + ": " + why + (heldByNode.get(v.node()).equals(v) ? ""
                            : "; the old VM is stopped first, then the new one starts")));
        }
        declared = d;
        working = Orphans.prune(held, declared, s);
        holding = Replacements.holds(working, declared);
        List<VmResource> fresh = new ArrayList<>();
        for (VmResource v : working.vms()) {
            VmResource old = before.get(v.node());
            if (old == null || Replacements.identityChange(old, v).isPresent()) {
                fresh.add(v);
            }
        }
        journal.add("definitions reloaded: " + d.vms().size() + " guests, " + d.services().size() + " services"
                + (working.vms().size() > d.vms().size() || working.services().size() > d.services().size()
                ? "; removed resources are stopped first" : ""));
        return Optional.of(new Change(journal, fresh));
    }

    /**
     * Lets go of a guest node that lives on elsewhere (migrated live) without stopping anything in it: its VM and the
     * services {@code inside} it leave the working set without becoming orphans; then {@code next} (this host's
     * definitions without it) is declared.
     */
    Optional<Change> letGo(String node, java.util.Set<String> inside, Definitions next, ObservedState s) {
        working = working.withResources(working.vms().stream().filter(v -> !v.node().equals(node)).toList(),
                working.services().stream().filter(x -> !inside.contains(x.id())).toList());
        return replace(next, s);
    }

    /**
     * After events: held VMs whose old identity is now verified stopped give way to the declared ones, and removed
     * resources that are stopped are forgotten.
     */
    Change settle(ObservedState s) {
        List<String> journal = new ArrayList<>();
        List<VmResource> released = holding ? Replacements.released(working, declared, s) : List.of();
        if (!released.isEmpty()) {
            working = Replacements.release(working, released);
            holding = Replacements.holds(working, declared);
            released.forEach(v -> journal.add(v.id() + ": the old VM is stopped; the new one takes its place"));
        }
        boolean orphans = working.vms().size() != declared.vms().size()
                || working.services().size() != declared.services().size();
        Definitions pruned = orphans ? Orphans.prune(working, declared, s) : working;
        if (pruned != working) {
            working = pruned;
            journal.add("removed resources are stopped and forgotten");
        }
        return journal.isEmpty() ? Change.NONE : new Change(journal, released);
    }
}
