package io.guestnode.operator.simulate;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.Score;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.Observed;
import io.guestnode.operator.planner.Observed.Connection;
import io.guestnode.operator.planner.Observed.Failure;
import io.guestnode.operator.planner.Observed.ServiceStatus;
import io.guestnode.operator.planner.Observed.UncleanCause;
import io.guestnode.operator.planner.Observed.Vm;
import io.guestnode.operator.planner.Observed.VmStatus;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.ResourceNode;
import io.guestnode.operator.planner.StateReducer;
import io.guestnode.operator.simulate.CibStatus.NodeState;
import io.guestnode.operator.simulate.CibStatus.OpRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a CIB's status into guestnode's observed state, as Pacemaker's scheduler reads it: the host is the cluster
 * node; a VM resource runs when its history on the host says so; a guest node is up when its connection resource
 * runs there and its VM does; the history of services is read in guest nodes that are up, or unclean (a failed VM or
 * connection makes a guest unclean: it is fenced before anything in it counts as stopped). Fail counts come from
 * the transient attributes.
 */
public final class StatusImport {
    private StatusImport() {
    }

    /**
     * What the CIB's status says: the observed state, and every resource's role on each node it has a history on
     * (what the summary compares the outcome with), and the nodes in the order the status lists them (the order in
     * which Pacemaker numbers a clone's instances), and the services whose last operation is a blocking failure
     * (on-fail=block) that has expired (shown FAILED until an action touches them, as Pacemaker shows them).
     */
    public record Imported(ObservedState state, List<Placed> placed, List<String> nodeOrder,
                           Set<ResourceNode> expiredFailures) {
        public Imported {
            placed = List.copyOf(placed);
            nodeOrder = List.copyOf(nodeOrder);
            expiredFailures = Set.copyOf(expiredFailures);
        }

        public List<Placed> of(String resource) {
            return placed.stream().filter(p -> p.resource().equals(resource)).toList();
        }
    }

    /** A resource's role on one node; {@code failed} when it must be recovered (it failed, or its guest is unclean). */
    public record Placed(String resource, String node, RoleInHistory role, boolean failed) {
    }

    public static Imported read(Definitions d, CibStatus status, Instant now) {
        ObservedState.Mutable m = ObservedState.EMPTY.edit();
        List<Placed> placed = new ArrayList<>();
        Set<ResourceNode> expired = new java.util.HashSet<>();
        String host = d.hostNode();
        NodeState hostState = status.node(host).orElse(new NodeState(host, true, new LinkedHashMap<>(), Map.of()));
        for (VmResource v : d.vms()) {
            Optional<RoleInHistory> vmRole = RoleInHistory.of(live(hostState.history(v.id()), v.meta(), now));
            Optional<RoleInHistory> connRole = RoleInHistory.of(live(hostState.history(v.node()), v.meta(), now));
            RoleInHistory vr = vmRole.orElse(RoleInHistory.STOPPED);
            RoleInHistory cr = connRole.orElse(RoleInHistory.STOPPED);
            Optional<NodeState> guest = status.node(v.node());
            Optional<Unclean> unclean = unclean(d, v, vr, cr, guest, now);
            // An unclean guest is recovered with its VM: the VM counts as failed, as in Pacemaker.
            boolean fenced = unclean.filter(u -> u.cause() != UncleanCause.RESTART_CONTAINER).isPresent();
            vmRole.filter(RoleInHistory::active).ifPresent(r -> placed.add(new Placed(v.id(), host, r,
                    r != RoleInHistory.STARTED || fenced)));
            connRole.filter(RoleInHistory::active).ifPresent(r -> placed.add(new Placed(v.node(), host, r,
                    r != RoleInHistory.STARTED)));
            // a guest found stopped while its history says something runs in it is not known stopped: fenced
            boolean downYetActive = unclean.isPresent() && vr == RoleInHistory.STOPPED;
            m.vms.put(v.id(), new Vm(switch (vr) {
                case STOPPED -> downYetActive ? VmStatus.UNKNOWN : VmStatus.STOPPED;
                case STARTED -> VmStatus.RUNNING;
                case FAILED, STOP_FAILED -> VmStatus.FAILED;
            }, "read from the CIB's status", now));
            boolean up = vr == RoleInHistory.STARTED && cr == RoleInHistory.STARTED;
            m.connections.put(v.node(), new Connection(up, now));
            unclean.ifPresent(u -> m.guests.put(v.node(), m.guest(v.node()).unclean(u.cause(), u.reason())));
            failures(d, hostState, v.id(), host, m, now);
            failures(d, hostState, v.node(), host, m, now);
            if (up || unclean.isPresent()) {
                // what runs in a guest whose VM or connection failed is recovered with it; a guest fenced for a
                // failed stop in it restarts the rest
                boolean containerFailed = unclean.isPresent() && unclean.get().cause() == UncleanCause.GUEST_FAILED;
                services(d, guest, v.node(), containerFailed, m, placed, now);
                expired.addAll(expiredFailures(d, guest, v.node(), m, now));
            }
        }
        return new Imported(m.done(), placed, List.copyOf(status.nodes().keySet()), expired);
    }

    /**
     * The operations that still count: a failure older than the resource's failure-timeout is forgotten, as
     * Pacemaker ignores an expired failure when it reads the history.
     */
    static List<OpRecord> live(List<OpRecord> ops, io.guestnode.operator.definitions.ResourceMeta meta, Instant now) {
        if (meta.failureTimeout().isZero()) {
            return ops;
        }
        return ops.stream().filter(o -> {
            boolean failed = !(o.completed() && (o.rc() == 0 || (o.probe() && o.rc() == 7)));
            return !failed || now.isBefore(Instant.ofEpochSecond(o.lastRcChange()).plus(meta.failureTimeout()));
        }).toList();
    }

    /**
     * Why a guest must be fenced: its VM failed, its connection did while the VM ran, a service's stop failed in it
     * (unless that stop's on-fail blocks instead), or it is down while its history says a service is active in it.
     */
    private static Optional<Unclean> unclean(Definitions d, VmResource v, RoleInHistory vm, RoleInHistory conn,
                                             Optional<NodeState> guest, Instant now) {
        if (vm == RoleInHistory.FAILED || vm == RoleInHistory.STOP_FAILED) {
            return Optional.of(new Unclean(UncleanCause.GUEST_FAILED, "resource " + v.id() + " failed"));
        }
        if (vm == RoleInHistory.STARTED && (conn == RoleInHistory.FAILED || conn == RoleInHistory.STOP_FAILED)) {
            // as the live daemon: a failed connection with nothing active in the guest restarts its VM
            boolean idle = conn == RoleInHistory.FAILED && guest.flatMap(n -> activeIn(d, n, now)).isEmpty();
            return Optional.of(new Unclean(idle ? UncleanCause.RESTART_CONTAINER : UncleanCause.GUEST_FAILED,
                    "connection resource " + v.node() + " failed"));
        }
        if (guest.isEmpty()) {
            return Optional.empty();
        }
        if (vm != RoleInHistory.STARTED || conn != RoleInHistory.STARTED) {
            // down, yet its history says something is active in it: only a fence proves it stopped
            return activeIn(d, guest.get(), now).map(s -> new Unclean(UncleanCause.SETTLED_BY_FENCE, s.id() + " is active in it while it is down"));
        }
        for (Service s : d.services()) {
            if (RoleInHistory.of(live(guest.get().history(s.id()), s.meta(), now)).orElse(null)
                    == RoleInHistory.STOP_FAILED
                    && StateReducer.policy(d, s.id(), "stop", 0).equals("fence")) {
                return Optional.of(new Unclean(UncleanCause.SETTLED_BY_FENCE, "stop of " + s.id() + " failed"));
            }
        }
        return Optional.empty();
    }

    /** The first service whose history (its failures within failure-timeout) says it is active in {@code guest}. */
    private static Optional<Service> activeIn(Definitions d, NodeState guest, Instant now) {
        return d.services().stream().filter(s -> RoleInHistory.of(live(guest.history(s.id()), s.meta(), now))
                .filter(RoleInHistory::active).isPresent()).findFirst();
    }

    /** Why a guest of the imported status must be fenced. */
    private record Unclean(UncleanCause cause, String reason) {
    }

    /**
     * The services running in guest node {@code node} whose last operation there failed, with on-fail=block, longer
     * ago than their failure-timeout: they stay where they run, and Pacemaker 2.1.5 still shows them FAILED (blocked)
     * until an action touches them.
     */
    private static Set<ResourceNode> expiredFailures(Definitions d, Optional<NodeState> guest, String node,
                                                    ObservedState.Mutable m, Instant now) {
        Set<ResourceNode> out = new java.util.HashSet<>();
        if (guest.isEmpty()) {
            return out; // no history in it: nothing there to have failed
        }
        for (Service s : d.services()) {
            ResourceNode k = new ResourceNode(s.id(), node);
            Observed.Service known = m.services.get(k);
            List<OpRecord> ops = guest.get().history(s.id());
            if (known == null || known.status() != ServiceStatus.RUNNING || ops.isEmpty()) {
                continue;
            }
            OpRecord last = ops.stream().max(java.util.Comparator.comparingInt(OpRecord::callId)).orElseThrow();
            if (!live(ops, s.meta(), now).contains(last)
                    && StateReducer.policy(d, s.id(), last.operation(), last.intervalMs()).equals("block")) {
                out.add(k);
            }
        }
        return out;
    }

    private static void services(Definitions d, Optional<NodeState> guest, String node, boolean containerFailed,
                                 ObservedState.Mutable m, List<Placed> placed, Instant now) {
        if (guest.isEmpty()) {
            return;
        }
        for (Service s : d.services()) {
            Optional<RoleInHistory> role = RoleInHistory.of(live(guest.get().history(s.id()), s.meta(), now),
                    s.meta().actionable());
            if (role.isEmpty()) {
                continue; // never probed there: it will be
            }
            RoleInHistory r = role.get();
            if (r.active()) {
                placed.add(new Placed(s.id(), node, r, containerFailed || r != RoleInHistory.STARTED));
            }
            ServiceStatus st = switch (r) {
                case STOPPED -> ServiceStatus.STOPPED;
                case STARTED -> ServiceStatus.RUNNING;
                case FAILED -> ServiceStatus.FAILED;
                case STOP_FAILED -> ServiceStatus.STOP_FAILED;
            };
            m.services.put(new ResourceNode(s.id(), node), new Observed.Service(st, Set.of(), now));
            failures(d, guest.get(), s.id(), node, m, now);
        }
    }

    /**
     * The fail count of {@code resource} on {@code node}: the sum of its {@code fail-count-RSC#OP_INTERVAL}
     * attributes (or the older {@code fail-count-RSC}); the last failed operation in its history names what failed.
     */
    private static void failures(Definitions d, NodeState ns, String resource, String node, ObservedState.Mutable m,
                                 Instant now) {
        long count = 0;
        long last = 0;
        for (Map.Entry<String, String> a : ns.attributes().entrySet()) {
            String k = a.getKey();
            if (k.equals("fail-count-" + resource) || k.startsWith("fail-count-" + resource + "#")) {
                count = Math.min(Score.INFINITY, count + Score.parse(a.getValue()).value());
            } else if (k.equals("last-failure-" + resource) || k.startsWith("last-failure-" + resource + "#")) {
                try {
                    last = Math.max(last, Long.parseLong(a.getValue().trim()));
                } catch (NumberFormatException e) {
                    // an unreadable time counts as long ago
                }
            }
        }
        if (count <= 0) {
            return;
        }
        List<OpRecord> failedOps = ns.history(resource).stream()
                .filter(o -> !(o.completed() && (o.rc() == 0 || (o.probe() && o.rc() == 7)))).toList();
        // the failure whose on-fail weighs most decides, as in Pacemaker (a failed stop bans the resource from the
        // node); among equals, the last
        Optional<OpRecord> failed = failedOps.stream().reduce((a, b) -> severity(d, resource, a)
                > severity(d, resource, b) ? a : b);
        String op = failed.map(OpRecord::operation).orElse("monitor");
        long interval = failed.map(OpRecord::intervalMs).orElse(0L);
        Instant at = last > 0 ? Instant.ofEpochSecond(last) : now;
        m.failures.put(new ResourceNode(resource, node), new Failure(count, op, interval,
                failed.map(OpRecord::rc).orElse(1), failed.map(o -> opStatusWord(o.opStatus())).orElse("complete"),
                failed.map(OpRecord::exitReason).orElse(""), StateReducer.policy(d, resource, op, interval), at));
    }

    /** Pacemaker's order of on-fail responses: ignore, restart, block, stop, fence; a failed stop weighs most. */
    private static int severity(Definitions d, String resource, OpRecord op) {
        if (op.operation().equals("stop")) {
            return 10;
        }
        return switch (StateReducer.policy(d, resource, op.operation(), op.intervalMs())) {
            case "ignore" -> 0;
            case "restart" -> 1;
            case "block" -> 2;
            case "stop" -> 3;
            default -> 4;
        };
    }

    static String opStatusWord(int opStatus) {
        return switch (opStatus) {
            case 0 -> "complete";
            case 2 -> "Timed Out";
            case 3 -> "NOT SUPPORTED";
            case 5 -> "not installed";
            case 7 -> "invalid parameter";
            default -> "Error";
        };
    }
}
