package io.guestnode.operator.simulate;

import io.guestnode.operator.definitions.CloneSet;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.simulate.ClusterStatus.Shown;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * An anonymous clone as crm_mon lists it: its failed instances one by one, then the guest nodes where an instance
 * is started, then (while fewer instances run than clone-max) the nodes where none runs.
 */
final class CloneStatus {
    private CloneStatus() {
    }

    /** The services the clone holds: its primitive, or its group's members. */
    static List<String> members(Definitions d, CloneSet clone) {
        return d.group(clone.child()).map(g -> g.members()).orElse(List.of(clone.child()));
    }

    /** Whether every member of a clone's instance is started in {@code node}. */
    static boolean startedIn(Definitions d, ClusterStatus st, CloneSet clone, String node) {
        return members(d, clone).stream().allMatch(m -> st.resources().stream().anyMatch(r -> r.resource().equals(m)
                && r.node().equals(node) && r.role().equals("Started")));
    }

    static List<String> text(Definitions d, ClusterStatus st, CloneSet clone) {
        List<String> out = new ArrayList<>();
        out.add("    * Clone Set: " + clone.id() + " [" + clone.child() + "]:");
        Set<String> active = new TreeSet<>();
        for (Shown r : st.resources()) {
            if (members(d, clone).contains(r.resource()) && !r.node().isEmpty()) {
                active.add(r.node());
                if (r.role().equals("FAILED")) {
                    out.add("      * " + r.resource() + "\t(" + d.service(r.resource()).map(Service::agent)
                            .orElseThrow() + "):\t FAILED " + r.node());
                }
            }
        }
        Set<String> started = new TreeSet<>();
        active.stream().filter(n -> startedIn(d, st, clone, n)).forEach(started::add);
        if (!started.isEmpty()) {
            out.add("      * Started: [ " + String.join(" ", started) + " ]");
        }
        Set<String> nodes = new TreeSet<>(d.guestNodes());
        nodes.add(d.hostNode());
        int max = clone.cloneMax().orElse(nodes.size());
        if (active.size() < max) {
            nodes.removeAll(active);
            boolean disabled = members(d, clone).stream().anyMatch(m -> d.service(m).map(x -> x.meta().targetRole())
                    .orElse(TargetRole.STARTED) == TargetRole.STOPPED);
            if (!nodes.isEmpty()) {
                out.add("      * Stopped" + (disabled ? " (disabled)" : "") + ": [ " + String.join(" ", nodes) + " ]");
            }
        }
        return out;
    }
}
