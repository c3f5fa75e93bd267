package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.OnFail;
import io.guestnode.operator.definitions.OpDef;
import io.guestnode.operator.definitions.Score;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.Observed.Connection;
import io.guestnode.operator.planner.Observed.Failure;
import io.guestnode.operator.planner.Observed.Guest;
import io.guestnode.operator.planner.Observed.ServiceStatus;
import io.guestnode.operator.planner.Observed.UncleanCause;
import io.guestnode.operator.planner.Observed.Vm;
import io.guestnode.operator.planner.Observed.VmStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Folds an event into observed state: a pure function, as the planner is. This is where guest-node semantics
 * that depend on what happened (rather than on what is) live: a lost connection makes the guest unclean; a VM
 * that stops by itself counts as fenced; a finished fence erases what was known of the guest's services;
 * fail counts grow.
 */
public final class StateReducer {
    /** Fence or unexpected stop within this time of the previous one continues a crash loop. */
    static final Duration CRASH_LOOP_WINDOW = Duration.ofMinutes(10);
    static final Duration FENCE_RETRY = Duration.ofSeconds(5);
    public static final String NOT_CONNECTED = "not connected";
    /** The status of a start or stop of a domain that libvirt could not take. */
    public static final String OVERLOAD = "overload";

    private StateReducer() {
    }

    /**
     * Folds {@code e} into {@code s}. The overrides say which guests are in maintenance: what happens to those is
     * recorded, never held against them (a lost connection is a clean stop there, as in Pacemaker).
     */
    public static ObservedState apply(Definitions d, Overrides o, ObservedState s, Event e, Instant now) {
        ObservedState.Mutable m = s.edit();
        switch (e) {
            case Event.ActionStarted a -> {
                m.inFlight.add(a.action().key());
                if (a.action() instanceof Action.StartVm || a.action() instanceof Action.StopVm) {
                    m.inFlight.add(Action.SLOT_PREFIX + a.action().key());
                }
                if (a.action() instanceof Action.Fence) {
                    m.fenceBegan(now);
                }
            }
            case Event.ActionFinished f -> {
                m.inFlight.remove(f.action().key());
                slotAfter(d, m, f);
                ActionOutcomes.finished(d, m, f, now);
            }
            case Event.VmSeen v -> vmSeen(d, o, m, v, now);
            case Event.MonitorResult r -> monitor(d, m, r, now);
            case Event.ConnectionLost l -> lost(d, o, m, l, now);
            case Event.ClientTakeover t -> takenOver(d, o, m, t, now);
            case Event.Cleanup c -> cleanup(d, m, c);
            case Event.HistoryAdopted h -> h.failures().forEach((svc, f) -> {
                if (m.failures.get(new ResourceNode(svc, h.node())) == null) {
                    m.failures.put(new ResourceNode(svc, h.node()), f); // what happened here since wins
                }
            });
            case Event.ShutdownRequested r -> shutdownRequested(d, o, m, r, now);
        }
        return m.done();
    }

    /**
     * A guest's start holds its slot under the node action limit until its connection is up or has failed: the
     * expensive part of a start is the guest's boot after libvirt returned, and admitting more guests while the
     * admitted ones still boot would have every boot crawl again. Any other action frees its slot when it ends.
     */
    private static void slotAfter(Definitions d, ObservedState.Mutable m, Event.ActionFinished f) {
        switch (f.action()) {
            case Action.StartVm a when f.ok() -> {
            }
            case Action.Connect c -> d.vmOfNode(c.node()).ifPresent(v ->
                    m.inFlight.remove(Action.SLOT_PREFIX + "vm:" + v.id()));
            default -> m.inFlight.remove(Action.SLOT_PREFIX + f.action().key());
        }
    }

    private static void vmSeen(Definitions d, Overrides o, ObservedState.Mutable m, Event.VmSeen v, Instant now) {
        Optional<VmResource> vm = d.vm(v.vm());
        Vm prev = m.vms.getOrDefault(v.vm(), Vm.UNKNOWN);
        if (v.status() == VmStatus.UNKNOWN) {
            return; // silence from libvirt is never a verdict
        }
        if (vm.isPresent() && o.migrating().contains(vm.get().node())) {
            return; // libvirt moves it to another host: its leaving this one says nothing of what runs inside
        }
        boolean ours = m.inFlight.contains("vm:" + v.vm());
        m.vms.put(v.vm(), prev.seen(v.status(), v.detail(), now));
        if (!ours && v.status() != VmStatus.RUNNING) {
            m.inFlight.remove(Action.SLOT_PREFIX + "vm:" + v.vm()); // a start whose guest will not come up
        }
        if (vm.isEmpty() || ours || prev.status() != VmStatus.RUNNING || v.status() == VmStatus.RUNNING) {
            if (vm.isPresent() && v.status() == VmStatus.STOPPED && m.guest(vm.get().node()).shuttingDown()) {
                m.guests.put(vm.get().node(), m.guest(vm.get().node()).shutdownAsked(Instant.EPOCH));
            }
            if (vm.isPresent() && !ours && v.status() == VmStatus.STOPPED
                    && m.guest(vm.get().node()).cause() == UncleanCause.RESTART_CONTAINER) {
                // seen stopped, not by an action of ours (whose outcome settles it): it is restarted
                containerRestarted(m, vm.get().node(), now);
            }
            return;
        }
        String node = vm.get().node();
        boolean managed = Planner.guestManaged(vm.get(), o);
        if (v.status() == VmStatus.STOPPED) {
            // A VM that stops by itself is treated as fenced: what ran inside is known to be stopped. A guest that
            // announced its shutdown is no exception: its VM's stop is a failure of the VM, counted, then recovered.
            if (managed) {
                // libvirt's destroy also SIGTERMs first (the guest then announces a shutdown): it says DESTROYED
                boolean byItself = m.guest(node).shuttingDown() && !v.detail().contains("DESTROYED");
                String why = byItself ? "the guest shut itself down (" + v.detail() + ")"
                        : "VM stopped unexpectedly (" + v.detail() + ")";
                fail(m, v.vm(), d.hostNode(), 1, "monitor", 0, new Event.ActionFinished(null, false, 7, "complete",
                        why), "restart", now);
            }
            fenced(m, node, now);
        } else if (v.status() == VmStatus.FAILED && managed) {
            fail(m, v.vm(), d.hostNode(), 1, "monitor", 0, new Event.ActionFinished(null, false, 1, "complete",
                    "VM failed (" + v.detail() + ")"), "restart", now);
            m.guests.put(node, m.guest(node).unclean(UncleanCause.GUEST_FAILED, "its VM failed"));
        }
    }

    /**
     * A recurring monitor that found its service running: it changes nothing, whatever the state (a service not
     * known as running ignores every result), so it need not reach the control loop at all.
     */
    public static boolean confirmsRunning(Event.MonitorResult r) {
        return r.rc() == 0 && "complete".equals(r.status());
    }

    private static void monitor(Definitions d, ObservedState.Mutable m, Event.MonitorResult r, Instant now) {
        ResourceNode k = new ResourceNode(r.service(), r.node());
        Observed.Service cur = m.services.get(k);
        if (cur == null || cur.status() != ServiceStatus.RUNNING || confirmsRunning(r)) {
            return;
        }
        monitorFailed(d, m, r.service(), r.node(), r.intervalMs(), r.rc(), r.status(), r.reason(), now);
    }

    static void monitorFailed(Definitions d, ObservedState.Mutable m, String svc, String node, long interval,
                                      int rc, String status, String reason, Instant now) {
        String policy = policy(d, svc, "monitor", interval);
        // a monitor that finds it stopped behind our back is a failure too (Pacemaker counts it)
        m.services.put(new ResourceNode(svc, node), new Observed.Service(ServiceStatus.FAILED, Set.of(), now));
        fail(m, svc, node, 1, "monitor", interval, new Event.ActionFinished(null, false, rc, status, reason), policy, now);
        if (policy.equals("fence")) {
            m.guests.put(node, m.guest(node).unclean(UncleanCause.SETTLED_BY_FENCE, svc + " failed (on-fail=fence)"));
        }
    }

    private static void lost(Definitions d, Overrides o, ObservedState.Mutable m, Event.ConnectionLost l,
                             Instant now) {
        Connection c = m.connections.getOrDefault(l.node(), Connection.DOWN);
        if (!c.up()) {
            return;
        }
        m.connections.put(l.node(), new Connection(false, now));
        Optional<VmResource> vm = d.vmOfNode(l.node());
        if (m.guest(l.node()).shuttingDown()) {
            return; // the guest said it shuts down: its remoted went with it; the VM's stop decides what follows
        }
        if (vm.isEmpty() || !Planner.guestManaged(vm.get(), o)) {
            return; // unmanaged or in maintenance: a clean stop, history kept; leaving maintenance reconnects
        }
        fail(m, l.node(), d.hostNode(), 1, "monitor", l.monitorIntervalMs(),
                new Event.ActionFinished(null, false, 1, "Error", l.reason()), "restart-container", now);
        if (m.vms.getOrDefault(vm.get().id(), Vm.UNKNOWN).status() != VmStatus.STOPPED) {
            // as Pacemaker: a guest with something active in it is fenced; one known idle has its VM restarted
            boolean idle = !m.anyActiveIn(l.node()) && !m.inFlight.anyOnServiceIn(l.node());
            m.guests.put(l.node(), m.guest(l.node()).unclean(idle ? UncleanCause.RESTART_CONTAINER
                    : UncleanCause.GUEST_FAILED, "connection lost: " + l.reason()));
        }
    }

    /**
     * Another client took the guest's remoted over and this host's session was closed: the connection is down and is
     * started again, the guest and its services keep running (they are verified when it is up). A managed guest's
     * connection records the takeover as a failure, so that status shows it; unmanaged or in maintenance, it is a clean
     * stop.
     */
    private static void takenOver(Definitions d, Overrides o, ObservedState.Mutable m, Event.ClientTakeover t,
                                  Instant now) {
        if (!m.connections.getOrDefault(t.node(), Connection.DOWN).up()) {
            return;
        }
        m.connections.put(t.node(), new Connection(false, now));
        Optional<VmResource> vm = d.vmOfNode(t.node());
        if (vm.isPresent() && Planner.guestManaged(vm.get(), o)) {
            fail(m, t.node(), d.hostNode(), 1, "monitor", 0, new Event.ActionFinished(null, false, 1, "Error",
                    Event.ClientTakeover.REASON), "restart", now);
        }
    }

    /**
     * A managed guest announced its shutdown: its services are stopped while it lets us, and its VM's stop is awaited
     * rather than fenced. An unmanaged guest or one in maintenance is only observed (the answer is a nack).
     */
    private static void shutdownRequested(Definitions d, Overrides o, ObservedState.Mutable m,
                                          Event.ShutdownRequested r, Instant now) {
        Optional<VmResource> vm = d.vmOfNode(r.node());
        Guest g = m.guest(r.node());
        if (vm.isEmpty() || !Planner.guestManaged(vm.get(), o) || g.unclean() || g.shuttingDown()) {
            return;
        }
        m.guests.put(r.node(), g.shutdownAsked(now));
    }

    private static void cleanup(Definitions d, ObservedState.Mutable m, Event.Cleanup c) {
        String r = c.resource();
        Optional<VmResource> vm = d.vm(r).or(() -> d.vmOfNode(r));
        if (vm.isPresent()) {
            for (String res : Set.of(vm.get().id(), vm.get().node())) {
                m.failures.removeIf(ResourceNode.first(res), ResourceNode.after(res), (k, v) -> true);
            }
            Guest g = m.guest(vm.get().node());
            m.guests.put(vm.get().node(), new Guest(g.unclean(), g.uncleanReason(), g.cause(), g.fenceFailures(), g.fenceError(), 0,
                    g.lastFenceAt(), Instant.EPOCH, Instant.EPOCH));
            return;
        }
        m.failures.removeIf(ResourceNode.first(r), ResourceNode.after(r), (k, v) -> c.node().map(k.node()::equals).orElse(true));
        // forget what is known, so that it is probed again (and a failed service is adopted or recovered)
        m.services.removeIf(ResourceNode.first(r), ResourceNode.after(r), (k, v) -> c.node().map(k.node()::equals).orElse(true)
                && v.status() != ServiceStatus.RUNNING);
    }


    /**
     * The guest's VM is down: everything inside is stopped, its history is erased, and a recovery is counted. When
     * the guest itself failed (its VM failed or stopped, its connection was lost), what ran inside keeps its place,
     * to be recovered there once the guest is back, as Pacemaker recovers the resources of a failed container; a
     * guest fenced for a failed stop inside it (or by the operator) is no place to return to in that same recovery.
     */
    static void fenced(ObservedState.Mutable m, String node, Instant now) {
        Guest g = m.guest(node);
        boolean guestFailed = !g.unclean() || g.cause() == UncleanCause.GUEST_FAILED;
        int n = inARow(g, now);
        m.guests.put(node, new Guest(false, "", UncleanCause.GUEST_FAILED, 0, "", n, now, now.plus(Planner.backoff(n)),
                Instant.EPOCH));
        m.connections.put(node, new Connection(false, now));
        if (guestFailed) {
            m.guestDown(node, now);
        } else {
            m.eraseServices(node);
        }
    }

    static void fail(ObservedState.Mutable m, String resource, String node, long add, String op, long interval,
                             Event.ActionFinished f, String policy, Instant now) {
        ResourceNode k = new ResourceNode(resource, node);
        Failure prev = m.failures.get(k);
        long count = add >= Score.INFINITY ? Score.INFINITY
                : Math.min(Score.INFINITY, (prev == null ? 0 : prev.count()) + add);
        m.failures.put(k, new Failure(count, op, interval, f.rc(), f.status(), f.reason(), policy, now));
    }

    /** The recovery that one at {@code now} would be, counting those within the crash-loop window before it. */
    private static int inARow(Guest g, Instant now) {
        return g.lastFenceAt().plus(CRASH_LOOP_WINDOW).isAfter(now) ? g.recoveries() + 1 : 1;
    }

    /**
     * The VM of a guest to be restarted for its failed connection is seen stopped: the guest is clean again and its
     * VM starts, after the crash-loop back-off when this keeps happening (a remoted that keeps dying, a guest that
     * keeps hanging), as after fences.
     */
    static void containerRestarted(ObservedState.Mutable m, String node, Instant now) {
        Guest g = m.guest(node);
        int n = inARow(g, now);
        m.guests.put(node, g.containerRestarted(n, now, now.plus(Planner.backoff(n))));
    }

    /** The on-fail policy of a service's operation: the op's own, else restart (fence for stop). */
    /** The on-fail policy that applies to a failure of {@code op} at {@code intervalMs} of {@code service}. */
    public static String policy(Definitions d, String service, String op, long intervalMs) {
        Optional<Service> svc = d.service(service);
        Optional<OnFail> configured = svc.flatMap(s -> s.ops().stream()
                .filter(o -> o.name().equals(op) && o.interval().toMillis() == intervalMs).findFirst())
                .flatMap(OpDef::onFail);
        if (configured.isEmpty() && op.equals("monitor") && intervalMs == 0) {
            configured = svc.flatMap(s -> s.ops().stream().filter(o -> o.name().equals("monitor"))
                    .findFirst()).flatMap(OpDef::onFail);
        }
        return configured.map(OnFail::word).orElse(op.equals("stop") ? "fence" : "restart");
    }
}
