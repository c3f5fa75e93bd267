package io.guestnode.operator.simulate;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.Group;
import io.guestnode.operator.definitions.OrderRule;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.simulate.Moves.Change;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The "Transition Summary" of a simulation in Pacemaker 2.1.5's words: fences first, then one line per resource
 * that starts, stops, restarts, recovers or moves, in the order the resources are declared, the implicit connection
 * resources last.
 */
public final class TransitionSummary {
    private TransitionSummary() {
    }

    /** A line before it is laid out: verb, resource, details ("node" or "from -> to"), reason (may be empty). */
    record Line(String verb, String resource, String details, String reason) {
    }

    public static List<String> lines(Definitions d, StatusImport.Imported before, Simulation sim,
                                     Map<String, BlockedStarts.Blocked> blocked) {
        Moves moves = Moves.of(d, before, sim.actions());
        List<String> out = new ArrayList<>();
        // Pacemaker lists the fences last planned first; a guest whose VM does not start again is fenced "off".
        new ArrayList<>(moves.fenced().sequencedEntrySet()).reversed().forEach(e -> out.add("Fence ("
                + (restarted(moves, e.getValue()) ? "reboot" : "off") + ") " + e.getKey() + " (resource: "
                + e.getValue() + ") 'guest is unclean'"));
        List<Line> lines = new ArrayList<>();
        java.util.Set<String> clonesListed = new java.util.HashSet<>();
        java.util.Set<String> listed = new java.util.HashSet<>(moves.changes().keySet());
        listed.addAll(blocked.keySet());
        for (String r : Moves.ordered(declared(d), listed)) {
            if (!moves.changes().containsKey(r)) {
                BlockedStarts.Blocked b = blocked.get(r);
                lines.add(new Line("Start", r, b.node(), b.reason()));
            } else if (CloneInstances.cloned(d, r)) {
                var clone = CloneInstances.cloneOf(d, r);
                if (clonesListed.add(clone.id())) {
                    lines.addAll(CloneInstances.lines(d, clone, moves.changes(), before.nodeOrder()));
                }
            } else {
                line(d, r, moves.changes().get(r), moves.changes()).map(l -> withStopReason(d, sim, moves, l))
                        .ifPresent(lines::add);
            }
        }
        int rscWidth = 5;
        int detailWidth = 5;
        for (Line l : lines) {
            if (l.resource().length() > rscWidth) {
                rscWidth = l.resource().length() + 2;
            }
            detailWidth = Math.max(detailWidth, l.details().length());
        }
        for (Line l : lines) {
            out.add(String.format("%-8s   %-" + rscWidth + "s   ( %" + detailWidth + "s )%s", l.verb(), l.resource(),
                    l.details(), l.reason().isEmpty() ? "" : "  " + l.reason()));
        }
        return out;
    }

    /** A service's Stop line with Pacemaker's reason for it ({@link StopReasons}). */
    private static Line withStopReason(Definitions d, Simulation sim, Moves moves, Line l) {
        Optional<Service> svc = d.service(l.resource());
        if (!l.verb().equals("Stop") || svc.isEmpty()) {
            return l;
        }
        return new Line(l.verb(), l.resource(), l.details(), StopReasons.of(d, sim.before(), sim.after(), moves,
                svc.get(), l.details()));
    }

    private static boolean restarted(Moves moves, String vm) {
        Change c = moves.changes().get(vm);
        return c != null && !c.started().isEmpty();
    }

    /** Every resource id as Pacemaker lists them: primitives in the order declared, then connection resources. */
    static List<String> declared(Definitions d) {
        List<String> primitives = Stream.concat(
                        d.vms().stream().map(v -> new Declared(v.id(), v.at().line())),
                        d.services().stream().map(s -> new Declared(s.id(), s.at().line())))
                .sorted(Comparator.comparingInt(Declared::line)).map(Declared::id).toList();
        List<String> out = new ArrayList<>(primitives);
        d.vms().forEach(v -> out.add(v.node()));
        return out;
    }

    private record Declared(String id, int line) {
    }

    private static Optional<Line> line(Definitions d, String r, Change c, Map<String, Change> all) {
        boolean managed = d.service(r).map(s -> s.meta().actionable())
                .or(() -> d.vm(r).map(v -> v.meta().actionable())).orElse(true);
        if (!managed) {
            return Optional.empty(); // nothing is done to it; a fence of its guest is not an action on it
        }
        boolean wasActive = !c.was().isEmpty();
        if (!wasActive && c.started().isEmpty()) {
            return Optional.empty();
        }
        if (!wasActive) {
            return Optional.of(new Line("Start", r, c.started().getFirst(), ""));
        }
        String from = c.was().getFirst();
        if (c.stopped().isEmpty()) {
            return Optional.empty();
        }
        if (c.started().isEmpty()) {
            return Optional.of(new Line("Stop", r, from, "due to node availability"));
        }
        String to = c.started().getLast();
        if (to.equals(from)) {
            return Optional.of(c.failed() ? new Line("Recover", r, from, "")
                    : new Line("Restart", r, from, required(d, r, from, all).map(x -> "due to required " + x)
                    .orElse("")));
        }
        return Optional.of(new Line(c.failed() ? "Recover" : "Move", r, from + " -> " + to, ""));
    }

    /**
     * What {@code r} depends on that was restarted too: its VM (for a connection), the VM of the guest it runs in,
     * the group member before it, or the first of an order constraint (a clone: its instance in the same guest node).
     */
    private static Optional<String> required(Definitions d, String r, String node, Map<String, Change> all) {
        List<String> candidates = new ArrayList<>();
        d.vmOfNode(r).map(VmResource::id).ifPresent(candidates::add);
        d.vmOfNode(node).filter(v -> d.service(r).isPresent()).map(VmResource::id).ifPresent(candidates::add);
        d.service(r).flatMap(Service::group).flatMap(d::group).map(Group::members).ifPresent(ms -> {
            int i = ms.indexOf(r);
            if (i > 0) {
                candidates.add(ms.get(i - 1));
            }
        });
        String placed = d.service(r).flatMap(Service::group).orElse(r);
        for (OrderRule o : d.orders()) {
            if (o.then().equals(r) || o.then().equals(placed)) {
                candidates.add(o.first());
            }
        }
        return candidates.stream().filter(x -> restarted(d, x, node, all)).findFirst().map(x -> lastMember(d, x));
    }

    private static boolean restarted(Definitions d, String r, String node, Map<String, Change> all) {
        Optional<io.guestnode.operator.definitions.CloneSet> clone = d.clone(r);
        if (clone.isPresent()) {
            return CloneStatus.members(d, clone.get()).stream().anyMatch(m -> all.containsKey(m)
                    && CloneInstances.restarted(all.get(m), node));
        }
        return restarted(d, r, all);
    }

    private static boolean restarted(Definitions d, String r, Map<String, Change> all) {
        Optional<Group> g = d.group(r);
        if (g.isPresent()) {
            return g.get().members().stream().anyMatch(m -> restarted(d, m, all));
        }
        Change c = all.get(r);
        return c != null && !c.stopped().isEmpty() && !c.started().isEmpty();
    }

    /** What a reason names: a primitive's start, a group's or a clone's "running" (all its members started). */
    private static String lastMember(Definitions d, String r) {
        return d.group(r).isPresent() || d.clone(r).isPresent() ? r + " running" : r + " start";
    }
}
