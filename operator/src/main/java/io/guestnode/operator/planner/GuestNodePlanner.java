package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.OpDef;
import io.guestnode.operator.definitions.ResourceMeta;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.definitions.Score;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.Observed.Failure;
import io.guestnode.operator.planner.Observed.Guest;
import io.guestnode.operator.planner.Observed.VmStatus;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The guest node half of a plan: a guest node's VM, its connection, fences, the guest's own shutdown, the node
 * action limit and libvirt's deferrals. Each guest is classified first (online, leaving, coming), so that services
 * can be planned against it; the actions on its VM and connection run after the services, which must stop first.
 */
final class GuestNodePlanner {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final Runnable NOTHING = () -> { };

    private final PlanContext ctx;
    private final ObservedState s;
    private final Instant now;
    private final HostPolicy policy;
    private final Map<String, String> notes;
    private final List<Action> actions;

    GuestNodePlanner(PlanContext ctx) {
        this.ctx = ctx;
        this.s = ctx.s;
        this.now = ctx.now;
        this.policy = ctx.policy;
        this.notes = ctx.notes;
        this.actions = ctx.actions;
    }

    /**
     * Classifies every guest node now and returns, in the order of the definitions, the actions on their VMs and
     * connections to run once the services are planned.
     */
    List<Runnable> classify() {
        Map<String, Runnable> guestSteps = new LinkedHashMap<>();
        for (VmResource vm : ctx.d.vms()) {
            guestSteps.put(vm.node(), guest(vm));
        }
        return List.copyOf(guestSteps.values());
    }

    /**
     * Decides a guest node's VM and connection. Runs in two halves: the part that classifies the guest
     * (online, leaving) runs now, so that services can be planned against it; the actions on the VM and
     * the connection are returned to run after the services, which must stop first.
     */
    private Runnable guest(VmResource vm) {
        String g = vm.node();
        if (!Planner.guestManaged(vm, ctx.o)) {
            notes.put(g, "unmanaged: observed, never acted on");
            return NOTHING;
        }
        Guest health = s.guest(g);
        Observed.Vm vmObs = s.vm(vm.id());
        boolean vmBusy = s.busy("vm:" + vm.id());
        boolean connBusy = s.busy("conn:" + g);
        boolean up = s.connection(g).up();
        boolean usable = s.connection(g).usable();
        Optional<String> down = whyDown(vm);
        if (down.isEmpty() && !(usable && vmObs.status() == VmStatus.RUNNING && !health.unclean() && !vmBusy
                && !connBusy)) {
            ctx.coming.add(g);
        }
        if (vmBusy || connBusy) {
            return NOTHING;
        }
        if (health.unclean() && !health.fenceNeeded()
                && (vmObs.status() == VmStatus.RUNNING || vmObs.status() == VmStatus.UNKNOWN)) {
            return restartContainer(vm, health, vmObs);
        }
        if ((health.unclean() || vmObs.status() == VmStatus.FAILED) && vmObs.status() != VmStatus.STOPPED) {
            return unclean(vm, health);
        }
        if (health.shuttingDown() && vmObs.status() == VmStatus.RUNNING) {
            return shuttingDown(vm, g, up, health);
        }
        if (ctx.o.connectionsStopped().contains(g) && vmObs.status() == VmStatus.RUNNING) {
            return connectionStopped(g, up);
        }
        if (down.isPresent()) {
            String why = down.get();
            if (usable || (!up && vmObs.status() == VmStatus.RUNNING)) {
                ctx.leaving.add(g);
            }
            return () -> stopGuest(vm, g, ctx.d.hostNode(), up, vmObs, why);
        }
        return bringUp(vm, health, vmObs, up);
    }

    /**
     * The guest node migrates with {@code remote-allow-migrate=false}: the services in it stop, then its connection;
     * its VM keeps running (libvirt moves it next). It stays a place for its services, which start in it again once
     * it is connected on its new host.
     */
    private Runnable connectionStopped(String g, boolean up) {
        ctx.coming.add(g);
        if (!up) {
            notes.put(g, "connection stopped for its live migration (remote-allow-migrate=false); its VM runs on");
            return NOTHING;
        }
        notes.put(g, "stopping its services and connection for its live migration (remote-allow-migrate=false)");
        if (!s.connection(g).usable()) {
            return NOTHING; // the session is gone: its loss is on its way
        }
        ctx.leaving.add(g);
        return () -> {
            if (!s.anyActiveIn(g) && !actionInFlightIn(g)) {
                actions.add(new Action.Disconnect(g, "stop the connection to guest node " + g
                        + " for its live migration (remote-allow-migrate=false)"));
            }
        };
    }

    /** Why a guest node must stay down (disabled, or its VM or connection failed too often); empty if it may run. */
    private Optional<String> whyDown(VmResource vm) {
        String g = vm.node();
        String host = ctx.d.hostNode();
        ResourceMeta m = ctx.meta(vm.id(), vm.meta());
        long vmFails = Planner.failCount(s, vm.id(), host, m, now);
        long connFails = Planner.failCount(s, g, host, m, now);
        if (m.targetRole() == TargetRole.STOPPED) {
            return Optional.of("disabled");
        }
        if (m.migrationThreshold() > 0 && vmFails >= m.migrationThreshold()) {
            ctx.failureExpiry(vm.id(), host, m);
            return Optional.of("its VM failed " + Planner.count(vmFails) + " on " + host + " (migration-threshold "
                    + Planner.count(m.migrationThreshold()) + "); clean up " + vm.id() + " to start it again");
        }
        if (connFails >= Score.INFINITY) {
            Failure f = s.failure(g, host).orElseThrow();
            ctx.failureExpiry(g, host, m);
            return Optional.of("its connection failed to start (" + f.reason() + "); clean up " + g
                    + " to try again");
        }
        return Optional.empty();
    }

    /** An unclean guest, or one whose VM failed, whose VM has not been seen stopped: it is fenced. */
    private Runnable unclean(VmResource vm, Guest health) {
        String g = vm.node();
        if (health.fenceRetryAt().isAfter(now)) {
            notes.put(g, "unclean (" + health.describe() + "); next fence attempt at "
                    + TIME.format(health.fenceRetryAt()));
            ctx.wakeAt(health.fenceRetryAt());
            return NOTHING;
        }
        String why = health.unclean() ? health.uncleanReason() : "its VM failed";
        ctx.unsettle();
        if (!ctx.budgets.takeFence()) {
            Instant next = ctx.budgets.nextFenceAt();
            notes.put(g, "unclean (" + health.describe() + "); fence of " + g + " waits: fence limit "
                    + policy.describe() + " (next at " + TIME.format(next) + ")");
            ctx.wakeAt(next);
            return NOTHING;
        }
        return () -> actions.add(new Action.Fence(g, vm.id(), why));
    }

    /**
     * A guest whose connection failed while nothing was active in it: its VM is stopped cleanly (the guest is asked
     * to shut down, destroyed if it does not in time) and then started again, as Pacemaker restarts a container for
     * its connection's failure. A stop that fails fences it.
     */
    private Runnable restartContainer(VmResource vm, Guest health, Observed.Vm vmObs) {
        String g = vm.node();
        String note = "its VM restarts: " + health.uncleanReason() + " while nothing was active in it";
        notes.put(g, note);
        if (vmObs.status() != VmStatus.RUNNING) {
            // not known running (libvirt overloaded or not heard yet): its state first, never a fence for that
            if (!deferred(g, vm, vmObs)) {
                notes.put(g, note + "; waits for libvirt to tell the state of " + vm.id());
            }
            return NOTHING;
        }
        return () -> {
            if (!actionInFlightIn(g) && !deferred(g, vm, vmObs) && takeSlot(g, vm)) {
                actions.add(new Action.StopVm(vm.id(), g, ctx.d.hostNode(), "restart the VM of guest node " + g
                        + " (" + health.uncleanReason() + ")"));
            }
        };
    }

    /** A guest node that may run: its VM is awaited, started or recovered, then its connection opened. */
    private Runnable bringUp(VmResource vm, Guest health, Observed.Vm vmObs, boolean up) {
        String g = vm.node();
        switch (vmObs.status()) {
            case UNKNOWN -> {
                notes.put(g, "waiting for the state of " + vm.id());
                return NOTHING;
            }
            case STOPPED -> {
                if (health.backoffUntil().isAfter(now)) {
                    notes.put(g, "recovering: " + vm.id() + " starts at " + TIME.format(health.backoffUntil())
                            + " (" + health.recoveries() + " recoveries in a row; crash-loop back-off)");
                    ctx.wakeAt(health.backoffUntil());
                    return NOTHING;
                }
                String why = health.recoveries() > 0 ? "recover guest node " + g : "start guest node " + g;
                if (deferred(g, vm, vmObs) || !takeSlot(g, vm)) {
                    return NOTHING;
                }
                String host = ctx.d.hostNode();
                return () -> actions.add(new Action.StartVm(vm.id(), g, host, why));
            }
            case RUNNING -> {
                if (!up) {
                    return () -> actions.add(new Action.Connect(g, "start the connection to guest node " + g));
                }
                if (!s.connection(g).usable()) {
                    notes.put(g, "its session is gone: the connection's loss is being confirmed");
                    return NOTHING;
                }
                ctx.online.add(g);
                return NOTHING;
            }
            default -> {
                return NOTHING;
            }
        }
    }

    /**
     * The guest announced its shutdown: its services leave while the connection lets us stop them, then the
     * connection is closed; its VM is awaited, not fenced, until its stop timeout has passed since the announcement.
     */
    private Runnable shuttingDown(VmResource vm, String g, boolean up, Guest health) {
        Instant deadline = health.shutdownAsked().plus(vm.op("stop", false).map(OpDef::timeout)
                .orElse(Planner.GUEST_SHUTDOWN_WAIT));
        if (!now.isBefore(deadline)) {
            String why = "it announced its shutdown at " + TIME.format(health.shutdownAsked()) + " but its VM "
                    + "still runs";
            ctx.unsettle();
            if (!ctx.budgets.takeFence()) {
                notes.put(g, why + "; its fence waits: fence limit " + policy.describe());
                ctx.wakeAt(ctx.budgets.nextFenceAt());
                return NOTHING;
            }
            return () -> actions.add(new Action.Fence(g, vm.id(), why));
        }
        notes.put(g, "shutting down (announced at " + TIME.format(health.shutdownAsked()) + "); its VM is "
                + "awaited until " + TIME.format(deadline) + ", then fenced");
        ctx.wakeAt(deadline);
        if (up && !s.connection(g).usable()) {
            return NOTHING; // the session is gone: its loss is on its way
        }
        if (up) {
            ctx.leaving.add(g);
            return () -> {
                if (!s.anyActiveIn(g) && !actionInFlightIn(g)) {
                    actions.add(new Action.Disconnect(g, "guest node " + g + " is shutting down"));
                }
            };
        }
        return NOTHING;
    }

    private void stopGuest(VmResource vm, String g, String host, boolean up, Observed.Vm vmObs, String why) {
        notes.put(g, "stays down: " + why);
        if (actionInFlightIn(g)) {
            return; // a start or stop in it may still leave a service running: its result first
        }
        if (s.anyActiveIn(g)) {
            if (!up && vmObs.status() == VmStatus.RUNNING) {
                // services run in it and its session is gone: connect again to stop them, never stop the VM under them
                actions.add(new Action.Connect(g, "connect to guest node " + g + " to stop the services in it"));
            }
            return;
        }
        if (up) {
            actions.add(new Action.Disconnect(g, "guest node " + g + " " + why));
        } else if (vmObs.status() == VmStatus.RUNNING && !deferred(g, vm, vmObs) && takeSlot(g, vm)) {
            actions.add(new Action.StopVm(vm.id(), g, host, "guest node " + g + " " + why));
        }
    }

    /** Whether an action on a service in guest node {@code g} is in flight. */
    private boolean actionInFlightIn(String g) {
        return s.inFlight().stream().anyMatch(k -> Action.OnService.keyIn(k, g));
    }

    /** Whether a start or stop of the domain waits, libvirt having been overloaded (noted, woken at the time). */
    private boolean deferred(String g, VmResource vm, Observed.Vm vmObs) {
        if (!vmObs.retryAt().isAfter(now)) {
            return false;
        }
        notes.put(g, "libvirt could not take the last operation on " + vm.id() + " (" + vmObs.detail()
                + "); next try at " + TIME.format(vmObs.retryAt()) + " (" + vmObs.deferrals() + " in a row)");
        ctx.wakeAt(vmObs.retryAt());
        return true;
    }

    /** A slot for a start or stop of {@code vm}'s domain under the node action limit; false (and noted) if none. */
    private boolean takeSlot(String g, VmResource vm) {
        ctx.unsettle();
        if (!ctx.budgets.takeSlot()) {
            notes.put(g, "waits for a slot: node-action-limit " + policy.nodeActionLimit() + " (as many starts "
                    + "and stops of domains are in progress)");
            return false;
        }
        return true;
    }
}
