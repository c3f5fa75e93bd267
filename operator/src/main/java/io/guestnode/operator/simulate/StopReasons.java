package io.guestnode.operator.simulate;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.LocationRule;
import io.guestnode.operator.definitions.OrderRule;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.planner.Observed.Failure;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.ResourceNode;
import java.util.List;

import java.util.Optional;

/**
 * Why a service that stops starts nowhere, in Pacemaker 2.1.5's words. Pacemaker still assigns such a service to a
 * guest node when one is allowed to it, even a guest node that will not be up, and its start there is then
 * unrunnable: the Stop line names the action that makes it so ("due to unrunnable rsc1 start", "grp1 running", or
 * the guest node's own connection "guest2 start"). A service allowed nowhere stops "due to node availability", and
 * so does one whose reason is not told here (Pacemaker's may come from colocations, or from the order in which its
 * graph met two causes).
 */
final class StopReasons {
    private StopReasons() {
    }

    static String of(Definitions d, ObservedState before, ObservedState after, Moves moves, Service r, String from) {
        String unit = r.group().orElse(r.id());
        List<Service> members = d.group(unit).map(g -> g.members().stream().map(d::service)
                .flatMap(Optional::stream).toList()).orElse(List.of(r));
        if (members.stream().anyMatch(m -> m.meta().targetRole() == TargetRole.STOPPED || stopsOnFailure(before, m))) {
            return "due to node availability";
        }
        for (OrderRule o : d.orders()) {
            if (o.kind() == OrderRule.Kind.MANDATORY && (o.then().equals(r.id()) || o.then().equals(unit))
                    && !runsAfter(d, after, o.first())) {
                return afterPredecessor(d, before, after, moves, o.first(), members, r);
            }
        }
        Optional<String> assigned = assigned(d, before, members, unit, from);
        if (assigned.isEmpty()) {
            return "due to node availability";
        }
        String g = assigned.get();
        return moves.fenced().containsKey(g) || after.connection(g).up() ? "due to node availability"
                : "due to unrunnable " + g + " start";
    }

    /**
     * The reason of a service that stops because its mandatory predecessor {@code first} starts nowhere. A
     * predecessor assigned to a guest node that will not be up makes the start of every member unrunnable ("due to
     * unrunnable rsc5 start", "grp1 running"), and so does a group that is assigned nowhere; a service assigned
     * nowhere makes the stop of the first member
     * required by its start, and each next member's by the stop of the one before it ("due to required rsc3 start",
     * "due to required rsc4 stop"). Longer chains are not told.
     */
    private static String afterPredecessor(Definitions d, ObservedState before, ObservedState after, Moves moves,
                                           String first, List<Service> members, Service r) {
        Fate f = fate(d, before, after, moves, first);
        if (f == Fate.ON_A_GUEST_NOT_UP) {
            return "due to unrunnable " + first + (d.group(first).isPresent() ? " running" : " start");
        }
        if (f == Fate.NOWHERE && d.group(first).isPresent()) {
            // a member that may not start (disabled, stopped after a failure) makes the group's "running" unrunnable
            return "due to unrunnable " + first + " running";
        }
        if (f == Fate.NOWHERE && d.service(first).isPresent()) {
            int i = members.indexOf(r);
            return i <= 0 ? "due to required " + first + " start" : "due to required " + members.get(i - 1).id()
                    + " stop";
        }
        return "due to node availability";
    }

    /** Where Pacemaker assigns a predecessor that starts nowhere. */
    private enum Fate { ON_A_GUEST_NOT_UP, NOWHERE, OTHER }

    private static Fate fate(Definitions d, ObservedState before, ObservedState after, Moves moves, String first) {
        Optional<Service> s = d.service(first).or(() -> d.group(first).flatMap(g -> g.members().stream().findFirst())
                .flatMap(d::service));
        if (s.isEmpty() || d.cloneHolding(s.get().id()).isPresent()) {
            return Fate.OTHER;
        }
        String unit = s.get().group().orElse(s.get().id());
        List<Service> members = d.group(unit).map(g -> g.members().stream().map(d::service)
                .flatMap(Optional::stream).toList()).orElse(List.of(s.get()));
        if (members.stream().anyMatch(m -> m.meta().targetRole() == TargetRole.STOPPED || stopsOnFailure(before, m))) {
            return Fate.NOWHERE;
        }
        if (d.orders().stream().anyMatch(o -> o.then().equals(unit) || o.then().equals(s.get().id()))) {
            return Fate.OTHER;
        }
        String from = before.servicesOf(s.get().id()).entrySet().stream().filter(e -> e.getValue().active())
                .map(e -> e.getKey().node()).findFirst().orElse("");
        Optional<String> g = assigned(d, before, members, unit, from);
        if (g.isEmpty()) {
            return Fate.NOWHERE;
        }
        return moves.fenced().containsKey(g.get()) || after.connection(g.get()).up() ? Fate.OTHER
                : Fate.ON_A_GUEST_NOT_UP;
    }

    /** A failure whose on-fail is stop leaves a service stopped: Pacemaker assigns it nowhere. */
    private static boolean stopsOnFailure(ObservedState s, Service m) {
        return s.failures().entrySet().stream().anyMatch(e -> e.getKey().resource().equals(m.id())
                && e.getValue().onFail().equals("stop"));
    }

    /**
     * Whether {@code id} (a service, or every member of a group) is active somewhere once the transition is done; a
     * clone or a VM resource is not judged here (it counts as running).
     */
    private static boolean runsAfter(Definitions d, ObservedState after, String id) {
        if (d.service(id).isEmpty() && d.group(id).isEmpty()) {
            return true;
        }
        List<String> ids = d.group(id).map(g -> g.members()).orElse(List.of(id));
        return ids.stream().allMatch(m -> after.servicesOf(m).values().stream().anyMatch(v -> v.active()));
    }

    /**
     * The guest node Pacemaker assigns the unit to: where it runs now when it is allowed there, else the allowed
     * guest node its location constraints score highest; allowed means no -INFINITY constraint and no member's fail
     * count at its migration-threshold there.
     */
    private static Optional<String> assigned(Definitions d, ObservedState s, List<Service> members, String unit,
                                             String from) {
        List<String> allowed = d.guestNodes().stream().filter(g -> allowed(d, s, members, unit, g)).toList();
        if (allowed.contains(from)) {
            return Optional.of(from);
        }
        return allowed.stream().max(java.util.Comparator.comparingLong(g -> score(d, unit, g)));
    }

    private static boolean allowed(Definitions d, ObservedState s, List<Service> members, String unit, String g) {
        for (LocationRule l : d.locations()) {
            if ((l.resource().equals(unit) || members.stream().anyMatch(m -> m.id().equals(l.resource())))
                    && l.node().equals(g) && l.score().isMinusInfinity()) {
                return false;
            }
        }
        for (Service m : members) {
            Failure f = s.failures().get(new ResourceNode(m.id(), g));
            long threshold = m.meta().migrationThreshold();
            if (f != null && threshold > 0 && f.count() >= threshold) {
                return false;
            }
        }
        return true;
    }

    private static long score(Definitions d, String unit, String g) {
        return d.locations().stream().filter(l -> l.resource().equals(unit) && l.node().equals(g))
                .mapToLong(l -> l.score().value()).sum();
    }
}
