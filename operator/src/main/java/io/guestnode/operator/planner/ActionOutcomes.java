package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.Score;
import io.guestnode.operator.planner.Observed.Connection;
import io.guestnode.operator.planner.Observed.ServiceStatus;
import io.guestnode.operator.planner.Observed.UncleanCause;
import io.guestnode.operator.planner.Observed.Vm;
import io.guestnode.operator.planner.Observed.VmStatus;
import java.time.Instant;
import java.util.Set;

/**
 * What the outcome of an action carried out says, folded into the observed state: of a guest's VM, its fence and
 * its connection, or of a service in a guest node. A failure counts as Pacemaker counts it (a failed start makes
 * the resource ineligible there; a failed stop makes its guest unclean unless its on-fail says otherwise).
 */
final class ActionOutcomes {
    private ActionOutcomes() {
    }

    static void finished(Definitions d, ObservedState.Mutable m, Event.ActionFinished f, Instant now) {
        switch (f.action()) {
            case Action.OnService s -> {
                if (notConnected(f)) {
                    sessionGone(m, f.action().lane());
                    return;
                }
                service(d, m, f, now);
            }
            case Action.OnVm v -> guest(d, m, f, now);
            case Action.OnConnection c -> guest(d, m, f, now);
        }
    }

    /** The outcome of an action on a guest: its VM started, stopped or fenced, its connection made or closed. */
    private static void guest(Definitions d, ObservedState.Mutable m, Event.ActionFinished f, Instant now) {
        String host = d.hostNode();
        switch (f.action()) {
            case Action.StartVm a -> {
                if (f.ok()) {
                    m.vms.put(a.vm(), new Vm(VmStatus.RUNNING, "started", now));
                } else if (overload(f)) {
                    m.vms.put(a.vm(), m.vms.getOrDefault(a.vm(), Vm.UNKNOWN).deferred(f.reason(), now));
                } else {
                    StateReducer.fail(m, a.vm(), host, Score.INFINITY, "start", 0, f, "restart", now);
                }
            }
            case Action.StopVm a -> {
                if (f.ok()) {
                    m.vms.put(a.vm(), new Vm(VmStatus.STOPPED, "stopped", now));
                    if (m.guest(a.node()).fenceNeeded()) {
                        // it became unclean meanwhile (an operator's fence): its stop proved what a fence proves
                        StateReducer.fenced(m, a.node(), now);
                    } else {
                        m.connections.put(a.node(), new Connection(false, now));
                        m.eraseServices(a.node());
                        if (m.guest(a.node()).unclean()) {
                            StateReducer.containerRestarted(m, a.node(), now);
                        }
                    }
                } else if (overload(f)) {
                    m.vms.put(a.vm(), m.vms.getOrDefault(a.vm(), Vm.UNKNOWN).deferred(f.reason(), now));
                    m.connections.put(a.node(), new Connection(false, now));
                } else {
                    StateReducer.fail(m, a.vm(), host, 1, "stop", 0, f, "fence", now);
                    m.guests.put(a.node(), m.guest(a.node()).unclean(UncleanCause.SETTLED_BY_FENCE, "stop of " + a.vm() + " failed"));
                }
            }
            case Action.Fence a -> {
                if (f.ok()) {
                    m.vms.put(a.vm(), new Vm(VmStatus.STOPPED, "fenced", now));
                    StateReducer.fenced(m, a.node(), now);
                } else {
                    m.guests.put(a.node(), m.guest(a.node()).fenceFailed(f.reason(), now.plus(StateReducer.FENCE_RETRY)));
                }
            }
            case Action.Connect a -> {
                if (f.ok()) {
                    m.connections.put(a.node(), new Connection(true, now));
                    m.reconnected(a.node(), now);
                } else {
                    m.connections.put(a.node(), new Connection(false, now));
                    StateReducer.fail(m, a.node(), host, Score.INFINITY, "start", 0, f, "restart-container", now);
                    m.guests.put(a.node(), m.guest(a.node()).unclean(UncleanCause.SETTLED_BY_FENCE, "connection failed to start: " + f.reason()));
                }
            }
            case Action.Disconnect a -> m.connections.put(a.node(), new Connection(false, now));
            default -> throw new IllegalArgumentException("not an action on a guest: " + f.action());
        }
    }

    /** The outcome of an action on a service in a guest node whose session answered. */
    private static void service(Definitions d, ObservedState.Mutable m, Event.ActionFinished f, Instant now) {
        switch (f.action()) {
            case Action.Probe a -> {
                if (!f.ok() || (f.rc() != 0 && f.rc() != 7)) {
                    m.services.put(new ResourceNode(a.service(), a.node()),
                            new Observed.Service(ServiceStatus.FAILED, Set.of(), now));
                    StateReducer.fail(m, a.service(), a.node(), 1, "monitor", 0, f, StateReducer.policy(d, a.service(), "monitor", 0), now);
                } else {
                    // found stopped where it was to restart (its guest came back after a fence): it keeps its place
                    ResourceNode k = new ResourceNode(a.service(), a.node());
                    boolean restarting = f.rc() == 7 && m.services.get(k) != null && m.services.get(k).restarting();
                    m.services.put(k, new Observed.Service(f.rc() == 0 ? ServiceStatus.RUNNING : ServiceStatus.STOPPED,
                            Set.of(), now, restarting));
                }
            }
            case Action.StartService a -> {
                ResourceNode k = new ResourceNode(a.service(), a.node());
                if (f.ok() && f.rc() == 0) {
                    m.services.put(k, new Observed.Service(ServiceStatus.RUNNING, Set.of(), now));
                    // running here now: where it was to restart elsewhere holds no place any more
                    for (var e : m.services.entries(ResourceNode.first(a.service()), ResourceNode.after(a.service()))) {
                        if (e.getValue().restarting()) {
                            Observed.Service was = e.getValue();
                            m.services.put(e.getKey(), new Observed.Service(was.status(), was.monitors(), was.since()));
                        }
                    }
                } else {
                    m.services.put(k, new Observed.Service(ServiceStatus.FAILED, Set.of(), now));
                    // start-failure-is-fatal: the service may not start in this guest node again until cleanup
                    String policy = StateReducer.policy(d, a.service(), "start", 0);
                    StateReducer.fail(m, a.service(), a.node(), Score.INFINITY, "start", 0, f, policy, now);
                    if (policy.equals("fence")) {
                        m.guests.put(a.node(), m.guest(a.node()).unclean(UncleanCause.SETTLED_BY_FENCE, a.service() + " failed to start (on-fail=fence)"));
                    }
                }
            }
            case Action.StopService a -> {
                ResourceNode k = new ResourceNode(a.service(), a.node());
                if (f.ok() && (f.rc() == 0 || f.rc() == 7)) {
                    m.services.put(k, new Observed.Service(ServiceStatus.STOPPED, Set.of(), now, a.restart()));
                } else {
                    String policy = StateReducer.policy(d, a.service(), "stop", 0);
                    m.services.put(k, new Observed.Service(ServiceStatus.STOP_FAILED, Set.of(), now));
                    StateReducer.fail(m, a.service(), a.node(), Score.INFINITY, "stop", 0, f, policy, now);
                    if (!policy.equals("block") && !policy.equals("ignore")) {
                        m.guests.put(a.node(), m.guest(a.node()).unclean(UncleanCause.SETTLED_BY_FENCE, "stop of " + a.service() + " failed"));
                    }
                }
            }
            case Action.StartMonitor a -> {
                ResourceNode k = new ResourceNode(a.service(), a.node());
                Observed.Service cur = m.services.get(k);
                if (cur == null) {
                    return;
                }
                if (f.ok() && f.rc() == 0) {
                    m.services.put(k, cur.withMonitor(a.interval().toMillis()));
                } else {
                    StateReducer.monitorFailed(d, m, a.service(), a.node(), a.interval().toMillis(), f.rc(), f.status(),
                            f.reason(), now);
                }
            }
            default -> throw new IllegalArgumentException("not an action on a service: " + f.action());
        }
    }

    /** libvirt could not take the call (unreachable, or overloaded): no fault of the guest. */
    static boolean overload(Event.ActionFinished f) {
        return !f.ok() && StateReducer.OVERLOAD.equals(f.status());
    }

    private static boolean notConnected(Event.ActionFinished f) {
        return !f.ok() && StateReducer.NOT_CONNECTED.equals(f.status());
    }

    /**
     * An action on a guest found no session although its connection is up: the session was lost and its report
     * (checked against libvirt first) is on its way. Until it arrives nothing more is sent there, rather than the same
     * actions failing again at every plan.
     */
    private static void sessionGone(ObservedState.Mutable m, String node) {
        Connection c = m.connections.getOrDefault(node, Connection.DOWN);
        if (c.up() && !c.sessionGone()) {
            m.connections.put(node, new Connection(true, c.since(), true));
        }
    }
}
