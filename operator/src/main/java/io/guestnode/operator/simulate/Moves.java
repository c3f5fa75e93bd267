package io.guestnode.operator.simulate;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.planner.Action;
import io.guestnode.operator.planner.ResourceNode;
import io.guestnode.operator.simulate.StatusImport.Placed;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.SequencedSet;
import java.util.Set;

/**
 * What a simulation did to each resource: where it was stopped and where it was started, whether it had failed,
 * and which guests were fenced. Fencing a guest stops its VM, its connection and everything in it.
 *
 * @param fenced guest node to its VM resource, in the order they were fenced
 */
record Moves(SequencedMap<String, Change> changes, SequencedMap<String, String> fenced) {

    /** One resource: active where it was, stopped on, started on, failed before (anywhere; and where). */
    record Change(SequencedSet<String> was, SequencedSet<String> stopped, SequencedSet<String> started,
                  boolean failed, SequencedSet<String> failedOn) {
    }

    static Moves of(Definitions d, StatusImport.Imported before, List<Action> actions) {
        Set<ResourceNode> active = new LinkedHashSet<>();
        Map<String, Boolean> failed = new HashMap<>();
        SequencedMap<String, Change> changes = new LinkedHashMap<>();
        for (Placed p : before.placed()) {
            active.add(new ResourceNode(p.resource(), p.node()));
            failed.merge(p.resource(), p.failed(), Boolean::logicalOr);
            Change c = change(changes, p.resource(), failed);
            c.was().add(p.node());
            if (p.failed()) {
                c.failedOn().add(p.node());
            }
        }
        SequencedMap<String, String> fenced = new LinkedHashMap<>();
        String host = d.hostNode();
        for (Action a : actions) {
            switch (a) {
                case Action.StartVm s -> start(changes, failed, active, s.vm(), host);
                case Action.StopVm s -> {
                    stop(changes, failed, active, s.vm(), host);
                    stop(changes, failed, active, s.node(), host); // a connection that failed stops with its VM
                }
                case Action.Fence f -> {
                    fenced.putIfAbsent(f.node(), f.vm());
                    stop(changes, failed, active, f.vm(), host);
                    stop(changes, failed, active, f.node(), host);
                    for (ResourceNode rn : List.copyOf(active)) {
                        if (rn.node().equals(f.node())) {
                            stop(changes, failed, active, rn.resource(), rn.node());
                        }
                    }
                }
                case Action.Connect c -> start(changes, failed, active, c.node(), host);
                case Action.Disconnect c -> stop(changes, failed, active, c.node(), host);
                case Action.StartService s -> start(changes, failed, active, s.service(), s.node());
                case Action.StopService s -> stop(changes, failed, active, s.service(), s.node());
                case Action.Probe p -> {
                }
                case Action.StartMonitor m -> {
                }
            }
        }
        return new Moves(changes, fenced);
    }

    private static Change change(Map<String, Change> changes, String resource, Map<String, Boolean> failed) {
        return changes.computeIfAbsent(resource, r -> new Change(new LinkedHashSet<>(), new LinkedHashSet<>(),
                new LinkedHashSet<>(), failed.getOrDefault(r, false), new LinkedHashSet<>()));
    }

    private static void start(Map<String, Change> changes, Map<String, Boolean> failed, Set<ResourceNode> active,
                              String resource, String node) {
        active.add(new ResourceNode(resource, node));
        change(changes, resource, failed).started().add(node);
    }

    private static void stop(Map<String, Change> changes, Map<String, Boolean> failed, Set<ResourceNode> active,
                             String resource, String node) {
        if (active.remove(new ResourceNode(resource, node))) {
            change(changes, resource, failed).stopped().add(node);
        }
    }

    /** Keeps {@code changes} ordered as {@code order}; resources not in it follow. */
    static List<String> ordered(Iterable<String> order, Set<String> present) {
        List<String> out = new ArrayList<>();
        for (String r : order) {
            if (present.contains(r)) {
                out.add(r);
            }
        }
        present.stream().filter(r -> !out.contains(r)).forEach(out::add);
        return out;
    }
}
