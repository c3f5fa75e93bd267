package io.guestnode.operator.simulate;

import io.guestnode.operator.definitions.CloneSet;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.OrderRule;
import io.guestnode.operator.simulate.Moves.Change;
import io.guestnode.operator.simulate.TransitionSummary.Line;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The instances of an anonymous clone in a Transition Summary: instance by instance, one line per member that starts,
 * stops, restarts or recovers, named {@code member:N}. Instances active before are numbered first, by guest node,
 * then the new ones.
 */
final class CloneInstances {
    private static final Change NONE = new Change(new java.util.LinkedHashSet<>(), new java.util.LinkedHashSet<>(),
            new java.util.LinkedHashSet<>(), false, new java.util.LinkedHashSet<>());

    private CloneInstances() {
    }

    /** Whether a service is held by a clone, alone or in a group. */
    static boolean cloned(Definitions d, String r) {
        return d.cloneHolding(r).isPresent();
    }

    static CloneSet cloneOf(Definitions d, String r) {
        return d.cloneHolding(r).orElseThrow();
    }

    /**
     * Each instance's guest node, in the order of their numbers: those active before in the order the status lists
     * their nodes (as Pacemaker numbers the instances it finds), then the new ones.
     */
    static List<String> instances(Definitions d, CloneSet clone, Map<String, Change> all, List<String> nodeOrder) {
        java.util.Comparator<String> byStatus = java.util.Comparator.comparingInt((String n) -> nodeOrder.contains(n)
                ? nodeOrder.indexOf(n) : Integer.MAX_VALUE).thenComparing(java.util.Comparator.naturalOrder());
        TreeSet<String> was = new TreeSet<>(byStatus);
        TreeSet<String> added = new TreeSet<>();
        for (String m : CloneStatus.members(d, clone)) {
            was.addAll(all.getOrDefault(m, NONE).was());
        }
        for (String m : CloneStatus.members(d, clone)) {
            all.getOrDefault(m, NONE).started().stream().filter(n -> !was.contains(n)).forEach(added::add);
        }
        List<String> out = new ArrayList<>(was);
        out.addAll(added);
        return out;
    }

    static List<Line> lines(Definitions d, CloneSet clone, Map<String, Change> all, List<String> nodeOrder) {
        List<Line> out = new ArrayList<>();
        List<String> members = CloneStatus.members(d, clone);
        if (!members.stream().allMatch(m -> d.service(m).map(s -> s.meta().actionable()).orElse(true))) {
            return out;
        }
        List<String> nodes = instances(d, clone, all, nodeOrder);
        // an instance that leaves its guest node while a new one starts elsewhere is a move of that instance
        List<String> leaving = new ArrayList<>();
        List<String> arriving = new ArrayList<>();
        Change first = all.getOrDefault(members.get(0), NONE);
        for (String n : nodes) {
            if (first.was().contains(n) && first.stopped().contains(n) && !first.started().contains(n)) {
                leaving.add(n);
            } else if (!first.was().contains(n) && first.started().contains(n)) {
                arriving.add(n);
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            String n = nodes.get(i);
            int moved = leaving.indexOf(n);
            if (!nodes.subList(0, i).contains(n) && arriving.contains(n) && arriving.indexOf(n) < leaving.size()) {
                continue; // listed as the move of an instance that leaves
            }
            for (int k = 0; k < members.size(); k++) {
                String m = members.get(k);
                Change c = all.getOrDefault(m, NONE);
                String instance = m + ":" + i;
                boolean was = c.was().contains(n);
                if (was && c.stopped().contains(n) && c.started().contains(n)) {
                    out.add(c.failedOn().contains(n) ? new Line("Recover", instance, n, "")
                            : new Line("Restart", instance, n, required(d, clone, members, k, n, i, all, nodeOrder)
                            .map(x -> "due to required " + x + " start").orElse("")));
                } else if (was && c.stopped().contains(n) && moved >= 0 && moved < arriving.size()) {
                    out.add(new Line(c.failedOn().contains(n) ? "Recover" : "Move", instance,
                            n + " -> " + arriving.get(moved), ""));
                } else if (was && c.stopped().contains(n)) {
                    out.add(new Line("Stop", instance, n, "due to node availability"));
                } else if (!was && c.started().contains(n)) {
                    out.add(new Line("Start", instance, n, ""));
                }
            }
        }
        return out;
    }

    /**
     * What a restart in {@code n} follows: the guest node's VM, the member before it, or an interleaved clone
     * ordered first.
     */
    private static Optional<String> required(Definitions d, CloneSet clone, List<String> members, int k, String n,
                                             int i, Map<String, Change> all, List<String> nodeOrder) {
        Optional<String> vm = d.vmOfNode(n).map(v -> v.id()).filter(v -> restarted(all.getOrDefault(v, NONE),
                d.hostNode()));
        if (vm.isPresent()) {
            return vm;
        }
        if (k > 0 && restarted(all.getOrDefault(members.get(k - 1), NONE), n)) {
            return Optional.of(members.get(k - 1) + ":" + i);
        }
        for (OrderRule o : d.orders()) {
            if (!o.then().equals(clone.id()) || k > 0) {
                continue;
            }
            Optional<CloneSet> first = d.clone(o.first());
            if (first.isEmpty()) {
                continue;
            }
            List<String> theirs = CloneStatus.members(d, first.get());
            String last = theirs.get(theirs.size() - 1);
            int index = instances(d, first.get(), all, nodeOrder).indexOf(n);
            if (index >= 0 && restarted(all.getOrDefault(last, NONE), n)) {
                return Optional.of(last + ":" + index);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code c} stops and starts its resource in {@code n}. */
    static boolean restarted(Change c, String n) {
        return c.stopped().contains(n) && c.started().contains(n);
    }
}
