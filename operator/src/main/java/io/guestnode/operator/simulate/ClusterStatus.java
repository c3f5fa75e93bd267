package io.guestnode.operator.simulate;

import io.guestnode.operator.definitions.Agent;
import io.guestnode.operator.definitions.CloneSet;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.Group;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.Observed.ServiceStatus;
import io.guestnode.operator.planner.Observed.VmStatus;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.ResourceNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A cluster's status as crm_simulate prints it before and after a transition: the nodes online and each resource's
 * role, and the same as a set of (resource, role, node) for comparison.
 */
public record ClusterStatus(List<String> online, List<String> guestsOnline, List<Shown> resources,
                            Set<Shown> blocked) {
    public ClusterStatus {
        online = List.copyOf(online);
        guestsOnline = List.copyOf(guestsOnline);
        resources = List.copyOf(resources);
        blocked = Set.copyOf(blocked);
    }

    /** A resource's role on a node ("Started", "FAILED"), or "Stopped" with no node. */
    public record Shown(String resource, String role, String node) {
        @Override
        public String toString() {
            return resource + " " + role + (node.isEmpty() ? "" : " " + node);
        }
    }

    /** The status before the transition, as the CIB's status says it. */
    public static ClusterStatus before(Definitions d, StatusImport.Imported imported) {
        List<Shown> shown = new ArrayList<>();
        for (StatusImport.Placed p : imported.placed()) {
            boolean expired = imported.expiredFailures().contains(new ResourceNode(p.resource(), p.node()));
            shown.add(new Shown(p.resource(), p.failed() || expired ? "FAILED" : "Started", p.node()));
        }
        return of(d, imported.state(), shown, imported.expiredFailures());
    }

    /**
     * The status after it; {@code stillFailed}: services that stay where they run after a failure that expired,
     * which no action touched (shown FAILED, as Pacemaker shows them until their next monitor).
     */
    public static ClusterStatus after(Definitions d, ObservedState s, Set<ResourceNode> stillFailed) {
        List<Shown> shown = new ArrayList<>();
        for (VmResource v : d.vms()) {
            VmStatus st = s.vm(v.id()).status();
            if (st == VmStatus.RUNNING || st == VmStatus.FAILED) {
                shown.add(new Shown(v.id(), st == VmStatus.RUNNING ? "Started" : "FAILED", d.hostNode()));
            }
            if (s.connection(v.node()).up()) {
                shown.add(new Shown(v.node(), "Started", d.hostNode()));
            }
        }
        s.services().forEach((rn, svc) -> {
            if (svc.active()) {
                // a failure whose on-fail is ignore leaves the resource started, as crm_mon shows it
                boolean ignored = s.failure(rn.resource(), rn.node()).map(f -> f.onFail().equals("ignore"))
                        .orElse(false);
                boolean started = (svc.status() == ServiceStatus.RUNNING || ignored) && !stillFailed.contains(rn);
                shown.add(new Shown(rn.resource(), started ? "Started" : "FAILED", rn.node()));
            }
        });
        return of(d, s, shown, stillFailed);
    }

    /**
     * {@code blockedAnyway}: services shown FAILED for a blocking failure that expired; the others shown FAILED are
     * blocked when their failure's on-fail is block, as crm_simulate marks them "(blocked)".
     */
    private static ClusterStatus of(Definitions d, ObservedState s, List<Shown> active,
                                    Set<ResourceNode> blockedAnyway) {
        Set<Shown> blocked = new java.util.HashSet<>();
        for (Shown a : active) {
            ResourceNode k = new ResourceNode(a.resource(), a.node());
            if (a.role().equals("FAILED") && d.service(a.resource()).isPresent() && (blockedAnyway.contains(k)
                    || s.failure(a.resource(), a.node()).map(f -> f.onFail().equals("block")).orElse(false))) {
                blocked.add(a);
            }
        }
        List<String> guests = d.vms().stream().map(VmResource::node).filter(n -> s.connection(n).up()
                && !s.guest(n).unclean()).sorted().toList();
        List<Shown> all = new ArrayList<>(active);
        Set<String> seen = new LinkedHashSet<>();
        active.forEach(a -> seen.add(a.resource()));
        Stream.concat(d.vms().stream().map(VmResource::id), d.services().stream().map(Service::id))
                .filter(r -> !seen.contains(r)).forEach(r -> all.add(new Shown(r, "Stopped", "")));
        return new ClusterStatus(List.of(d.hostNode()), guests, all, blocked);
    }

    /** The (resource, role, node) set of the resources crm_simulate lists (connection resources are not listed). */
    public Set<Shown> listed(Definitions d) {
        Set<String> connections = Set.copyOf(d.guestNodes());
        Set<Shown> out = new java.util.TreeSet<>(Comparator.comparing(Shown::toString));
        for (Shown r : resources) {
            if (connections.contains(r.resource())) {
                continue;
            }
            var clone = d.cloneHolding(r.resource());
            if (clone.isEmpty()) {
                out.add(r);
            } else if (r.role().equals("Started") && CloneStatus.startedIn(d, this, clone.get(), r.node())) {
                out.add(new Shown(clone.get().id(), "Started", r.node())); // as crm_mon lists a clone's instances
            } else if (!r.node().isEmpty()) {
                // an instance not wholly started is listed member by member, a member that does not run as Stopped
                out.add(r);
                CloneStatus.members(d, clone.get()).stream().filter(m -> resources.stream().noneMatch(x ->
                        x.resource().equals(m) && x.node().equals(r.node()))).forEach(m -> out.add(new Shown(m,
                        "Stopped", "")));
            }
        }
        return out;
    }

    /** crm_simulate's text: node list, then the resources as declared, groups with their members. */
    public List<String> text(Definitions d) {
        List<String> out = new ArrayList<>();
        out.add("  * Node List:");
        out.add("    * Online: [ " + String.join(" ", online) + " ]");
        if (!guestsOnline.isEmpty()) {
            out.add("    * GuestOnline: [ " + String.join(" ", guestsOnline) + " ]");
        }
        out.add("");
        out.add("  * Full List of Resources:");
        Set<String> groupsShown = new LinkedHashSet<>();
        for (String r : TransitionSummary.declared(d)) {
            if (d.guestNodes().contains(r)) {
                continue;
            }
            if (CloneInstances.cloned(d, r)) {
                CloneSet clone = d.cloneHolding(r).orElseThrow();
                if (groupsShown.add(clone.id())) {
                    out.addAll(CloneStatus.text(d, this, clone));
                }
                continue;
            }
            var group = d.service(r).flatMap(Service::group).flatMap(d::group);
            if (group.isPresent()) {
                if (groupsShown.add(group.get().id())) {
                    out.add("    * Resource Group: " + group.get().id() + ":");
                    for (String m : group.get().members()) {
                        out.add("      * " + resourceLine(d, m));
                    }
                }
                continue;
            }
            out.add("    * " + resourceLine(d, r));
        }
        return out;
    }

    String resourceLine(Definitions d, String r) {
        Agent agent = d.vm(r).map(VmResource::agent).orElseGet(() -> d.service(r).map(Service::agent).orElseThrow());
        List<Shown> mine = resources.stream().filter(s -> s.resource().equals(r)).toList();
        String role;
        if (mine.isEmpty() || mine.getFirst().node().isEmpty()) {
            boolean disabled = d.vm(r).map(v -> v.meta().targetRole()).or(() -> d.service(r).map(s -> s.meta()
                    .targetRole())).orElse(TargetRole.STARTED) == TargetRole.STOPPED;
            role = "Stopped" + (disabled ? " (disabled)" : "");
        } else {
            role = mine.getFirst().role() + " " + mine.getFirst().node()
                    + (blocked.contains(mine.getFirst()) ? " (blocked)" : "");
        }
        return r + "\t(" + agent + "):\t " + role;
    }


}
