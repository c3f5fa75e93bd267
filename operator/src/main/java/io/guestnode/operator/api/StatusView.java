package io.guestnode.operator.api;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.engine.Engine;
import io.guestnode.operator.planner.Observed;
import io.guestnode.operator.planner.Observed.ServiceStatus;
import io.guestnode.operator.planner.Observed.VmStatus;
import io.guestnode.operator.planner.ObservedState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code guestnode status} shows, in Pacemaker's words; built by the daemon from a snapshot. {@code pending}: the
 * actions in flight or planned (their keys); empty once the host has settled.
 */
public record StatusView(String host, String updated, List<GuestView> guests, List<ResourceView> resources,
                         List<FailedAction> failedActions, Map<String, String> notes, List<JournalLine> journal,
                         List<String> pending, List<PlacementView> placements,
                         @com.fasterxml.jackson.annotation.JsonInclude(
                                 com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) ClusterView cluster) {

    /** The same, with what this host last read of the cluster it is one of. */
    public StatusView withCluster(ClusterView c) {
        return new StatusView(host, updated, guests, resources, failedActions, notes, journal, pending, placements,
                c);
    }

    public record GuestView(String node, String vm, String addr, boolean online, boolean unclean, boolean maintenance) {
    }

    public record ResourceView(String id, String agent, String role, String node, boolean disabled) {
    }

    public record FailedAction(String resource, String node, String op, long intervalMs, int rc, String status,
                               String reason, long count, String last) {
    }

    public record JournalLine(String at, String what) {
    }

    /**
     * An operator's move or ban of a service, group or clone, as crm_resource names its constraint: {@code score}
     * INFINITY or -INFINITY on {@code node}; {@code until} when its lifetime ends ("" for none), {@code expired} once
     * it no longer counts.
     */
    public record PlacementView(String id, String resource, String node, String score, String until, boolean expired) {
    }

    public static StatusView of(Engine.Snapshot snap, int journalLines) {
        Definitions d = snap.definitions();
        ObservedState s = snap.state();
        String host = d.hostNode();
        List<GuestView> guests = new ArrayList<>();
        List<ResourceView> resources = new ArrayList<>();
        for (VmResource vm : d.vms()) {
            boolean online = s.connection(vm.node()).up() && s.vm(vm.id()).status() == VmStatus.RUNNING;
            boolean maint = snap.overrides().maintenanceGuests().contains(vm.node()) || snap.overrides().hostMaintenance()
                    || !vm.meta().actionable();
            guests.add(new GuestView(vm.node(), vm.id(), vm.connection().addr(), online, s.guest(vm.node()).fenceNeeded(),
                    maint));
            Observed.Vm v = s.vm(vm.id());
            String role = switch (v.status()) {
                case RUNNING -> s.guest(vm.node()).fenceNeeded() ? "FAILED" : "Started";
                case STOPPED -> "Stopped";
                case FAILED -> "FAILED";
                case UNKNOWN -> "Unknown";
            };
            if (s.busy("vm:" + vm.id())) {
                role = v.status() == VmStatus.RUNNING ? "Stopping" : "Starting";
            }
            resources.add(new ResourceView(vm.id(), vm.agent().toString(), role,
                    v.status() == VmStatus.STOPPED || v.status() == VmStatus.UNKNOWN ? "" : host, disabled(snap, vm.id(),
                            vm.meta().targetRole())));
        }
        for (Service svc : d.services()) {
            resources.addAll(serviceRows(d, s, svc, disabled(snap, svc.id(), svc.meta().targetRole())));
        }
        List<FailedAction> failed = new ArrayList<>();
        s.failures().forEach((k, f) -> failed.add(new FailedAction(k.resource(), k.node(), f.op(), f.intervalMs(),
                f.rc(), f.status(), f.reason(), f.count(), f.last().toString())));
        List<Engine.Journal.Entry> j = snap.journal();
        List<JournalLine> tail = j.subList(Math.max(0, j.size() - journalLines), j.size()).stream()
                .map(e -> new JournalLine(e.at().toString(), e.what())).toList();
        List<String> pending = new ArrayList<>(s.inFlight());
        snap.plan().actions().forEach(a -> pending.add(a.key()));
        List<PlacementView> placements = snap.overrides().placements().rules().stream().map(r -> new PlacementView(
                r.location(r.resource()).id(), r.resource(), r.node(), r.ban() ? "-INFINITY" : "INFINITY",
                r.until().map(Object::toString).orElse(""), !r.activeAt(snap.at()))).toList();
        return new StatusView(host, snap.at().toString(), guests, resources, failed, snap.plan().notes(), tail,
                pending.stream().distinct().sorted().toList(), placements, null);
    }

    /**
     * A service's rows: one for every guest node where it is started, failed, or may be active (last seen active
     * there and not probed since the connection came back: "Unknown", never "Stopped"), so that a service active in
     * two guest nodes shows both; or one Stopped row when it is known active nowhere.
     */
    static List<ResourceView> serviceRows(Definitions d, ObservedState s, Service svc, boolean disabled) {
        List<ResourceView> rows = new ArrayList<>();
        for (Map.Entry<io.guestnode.operator.planner.ResourceNode, Observed.Service> e : s.servicesOf(svc.id())
                .entrySet()) {
            String role = switch (e.getValue().status()) {
                case RUNNING -> "Started";
                case FAILED, STOP_FAILED -> "FAILED";
                case UNVERIFIED -> "Unknown";
                case STOPPED -> null;
            };
            if (role != null) {
                rows.add(new ResourceView(svc.id(), svc.agent().toString(), role, e.getKey().node(), disabled));
            }
        }
        if (rows.isEmpty()) {
            rows.add(new ResourceView(svc.id(), svc.agent().toString(), "Stopped", "", disabled));
        }
        return rows;
    }

    private static boolean disabled(Engine.Snapshot snap, String id, TargetRole configured) {
        TargetRole r = snap.overrides().targetRoles().getOrDefault(id, configured);
        return r == TargetRole.STOPPED;
    }
}
