package io.guestnode.operator.engine;

import io.guestnode.agents.domain.DomainAgent;
import io.guestnode.agents.domain.DomainEvent;
import io.guestnode.agents.domain.DomainState;
import io.guestnode.agents.remote.RemoteExecutorClient;
import io.guestnode.agents.remote.tls.AuthKey;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.Action;
import io.guestnode.operator.planner.Event;
import io.guestnode.operator.planner.Observed.VmStatus;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.Overrides;
import io.guestnode.operator.planner.Plan;
import io.guestnode.operator.planner.Planner;
import io.guestnode.operator.planner.StateReducer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control loop: one thread owns the definitions, the observed state and the overrides. Events from
 * observers and the executor, and operator commands, arrive on a queue; after each, the state is reduced,
 * the planner runs, and new actions go to their guest node's lane. Snapshots are published for status.
 */
public final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    static final Duration VM_SWEEP = Duration.ofSeconds(10);
    static final int JOURNAL_SIZE = 500;

    private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private final Map<String, ExecutorService> lanes = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("engine-timer").factory());
    private final DomainAgent domains;
    private final RemoteExecutorClient client;
    private final GuestSessions sessions;
    private final ActionRunner runner;
    private final Clock clock;
    private final Consumer<Snapshot> persist;
    /**
     * The state file is written off the control loop: a write (with its fsync) takes milliseconds, and the loop
     * must not pay them on every step. The writer takes the latest snapshot; intermediate ones are skipped.
     */
    private final java.util.concurrent.atomic.AtomicReference<Snapshot> unsaved =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("state-writer").factory());
    private final Thread loop;

    // owned by the loop thread
    /** What the files declare now. */
    private Definitions declared;
    /** What the planner works on: the declared resources plus removed ones that still have to stop. */
    private Definitions definitions;
    private volatile ObservedState state;
    private Overrides overrides;
    private final Deque<Journal.Entry> journal = new ArrayDeque<>();
    private ScheduledFuture<?> wake;
    private volatile Snapshot snapshot;
    private volatile boolean running = true;

    /** What status shows and the state store keeps; immutable. */
    public record Snapshot(Definitions definitions, ObservedState state, Overrides overrides, Plan plan,
                           List<Journal.Entry> journal, Instant at) {
    }

    public Engine(Definitions definitions, ObservedState initial, Overrides overrides, List<Journal.Entry> journal,
                  DomainAgent domains, Supplier<AuthKey> key, Clock clock, Consumer<Snapshot> persist) {
        this.declared = definitions;
        this.definitions = definitions;
        this.state = initial;
        this.overrides = overrides;
        this.journal.addAll(journal);
        this.domains = domains;
        this.client = new RemoteExecutorClient(clock);
        this.sessions = new GuestSessions(this::onSessionEvent);
        this.runner = new ActionRunner(domains, new Connector(client), sessions, key,
                "guestnode@" + definitions.hostNode());
        this.clock = clock;
        this.persist = persist;
        domains.addListener(this::onDomainEvent);
        this.loop = Thread.ofPlatform().name("control-loop").start(this::run);
        submitTask(this::sweepVms);
        timers.scheduleWithFixedDelay(() -> submitTask(this::sweepVms), VM_SWEEP.toMillis(), VM_SWEEP.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------ inputs

    /** An event from an observer or the executor; any thread. */
    public void submit(Event e) {
        inbox.add(() -> apply(e));
    }

    /** Runs {@code f} on the loop with the current state and returns its result (operator commands). */
    public <T> T call(Function<Engine, T> f) throws InterruptedException {
        var result = new java.util.concurrent.CompletableFuture<T>();
        inbox.add(() -> {
            try {
                result.complete(f.apply(this));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (RuntimeException) e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the control loop did not answer within 30 s");
        }
    }

    /**
     * A lost connection is first checked against libvirt, on the guest's lane: a VM that is gone already (destroyed
     * or shut down behind our back, which is also what killed the connection) is recorded as stopped by itself
     * before the loss is, so that it is not fenced a second time. The check costs one libvirt call and waits for
     * a destroy that is still in progress.
     */
    private void onSessionEvent(Event e) {
        if (!(e instanceof Event.ConnectionLost l)) {
            submit(e);
            return;
        }
        LOG.warn("[{}] connection lost: {}", l.node(), l.reason());
        submitTask(() -> journal(l.node() + ": connection lost: " + l.reason()));
        Definitions d = definitions;
        var vm = d.vmOfNode(l.node());
        if (vm.isEmpty()) {
            submit(e);
            return;
        }
        lane(l.node()).execute(() -> {
            DomainState s = domains.monitor(ActionRunner.domainSpec(vm.get()), Duration.ofSeconds(2));
            if (s.status() == DomainState.Status.STOPPED) {
                submit(new Event.VmSeen(vm.get().id(), VmStatus.STOPPED, s.detail() + " (" + s.evidence() + ")"));
            }
            submit(e);
        });
    }

    private void submitTask(Runnable r) {
        inbox.add(r);
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    // ------------------------------------------------------------ operator commands (run on the loop)

    /** Takes new definitions; false (and nothing journaled or planned) when they equal the running ones. */
    public boolean replaceDefinitions(Definitions d) {
        if (d.equals(declared)) {
            return false;
        }
        Definitions merged = io.guestnode.operator.planner.Orphans.merge(definitions, d);
        declared = d;
        definitions = io.guestnode.operator.planner.Orphans.prune(merged, declared, state);
        journal("definitions reloaded: " + d.vms().size() + " guests, " + d.services().size() + " services"
                + (definitions.vms().size() > d.vms().size() || definitions.services().size() > d.services().size()
                ? "; removed resources are stopped first" : ""));
        replan();
        return true;
    }

    public void setOverrides(Overrides o, String why) {
        overrides = o;
        journal(why);
        replan();
    }

    public Overrides overrides() {
        return overrides;
    }

    public Definitions definitions() {
        return definitions;
    }

    public ObservedState state() {
        return state;
    }

    /** Operator-requested fence: the guest becomes unclean and the planner fences it. */
    public void fence(String node) {
        ObservedState.Mutable m = state.edit();
        m.guests.put(node, m.guest(node).unclean("fenced by the operator"));
        state = m.done();
        journal("fence of " + node + " requested by the operator");
        replan();
    }

    public void cleanup(String resource, java.util.Optional<String> node) {
        apply(new Event.Cleanup(resource, node));
        journal("cleanup of " + resource + node.map(n -> " on " + n).orElse(""));
    }

    // ------------------------------------------------------------ the loop

    private void run() {
        while (running) {
            Runnable r;
            try {
                r = inbox.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.error("control loop step failed", e);
            }
        }
    }

    private void apply(Event e) {
        Instant now = clock.instant();
        if (e instanceof Event.VmSeen v && v.status() == VmStatus.STOPPED
                && state.vm(v.vm()).status() == VmStatus.RUNNING && !state.busy("vm:" + v.vm())) {
            LOG.warn("{} stopped by itself ({})", v.vm(), v.detail());
            journal(v.vm() + " stopped by itself (" + v.detail() + ")");
        } else if (e instanceof Event.MonitorResult m && m.rc() != 0) {
            journal(m.service() + " in " + m.node() + ": monitor failed (rc=" + m.rc() + ", " + m.status() + ")");
        } else if (e instanceof Event.ActionFinished f) {
            journal(f.action() + (f.ok() && (f.rc() == 0 || f.action() instanceof Action.Probe) ? ": done"
                    + (f.action() instanceof Action.Probe ? " (rc=" + f.rc() + ")" : "")
                    : ": failed (" + f.status() + ", rc=" + f.rc() + ") " + f.reason()));
        }
        state = StateReducer.apply(definitions, overrides, state, e, now);
        replan();
    }

    private void replan() {
        Instant now = clock.instant();
        // removed resources that still had to stop exist only when the working set is larger than the declared one
        boolean orphans = definitions.vms().size() != declared.vms().size()
                || definitions.services().size() != declared.services().size();
        Definitions pruned = orphans ? io.guestnode.operator.planner.Orphans.prune(definitions, declared, state)
                : definitions;
        if (pruned != definitions) {
            definitions = pruned;
            journal("removed resources are stopped and forgotten");
        }
        Plan plan = Planner.plan(definitions, state, overrides, now);
        for (Action a : plan.actions()) {
            if (state.busy(a.key())) {
                continue;
            }
            state = StateReducer.apply(definitions, overrides, state, new Event.ActionStarted(a), now);
            LOG.info("[{}] {} ({})", a.lane(), a, a.reason());
            journal(a + " (" + a.reason() + ")");
            Definitions d = definitions;
            lane(a.lane()).execute(() -> submit(runner.run(d, a)));
        }
        if (wake != null) {
            wake.cancel(false);
            wake = null;
        }
        plan.wakeAt().ifPresent(t -> wake = timers.schedule(() -> submitTask(this::replan),
                Math.max(1, Duration.between(clock.instant(), t).toMillis()), TimeUnit.MILLISECONDS));
        snapshot = new Snapshot(definitions, state, overrides, plan, List.copyOf(journal), now);
        if (unsaved.getAndSet(snapshot) == null) {
            writer.execute(this::writeLatest);
        }
    }

    private void writeLatest() {
        Snapshot s = unsaved.getAndSet(null);
        if (s != null) {
            persist.accept(s);
        }
    }

    private ExecutorService lane(String node) {
        return lanes.computeIfAbsent(node, n -> Executors.newSingleThreadExecutor(
                Thread.ofVirtual().name("lane " + n).factory()));
    }

    private void journal(String what) {
        journal.addLast(new Journal.Entry(clock.instant(), what));
        while (journal.size() > JOURNAL_SIZE) {
            journal.removeFirst();
        }
    }

    // ------------------------------------------------------------ observers

    private void onDomainEvent(DomainEvent e) {
        switch (e.kind()) {
            case CONNECTION_RESTORED -> submitTask(this::sweepVms);
            case STOPPED, CRASHED, STARTED -> submitTask(() -> {
                for (VmResource vm : definitions.vms()) {
                    if (vm.domain().domainName().equals(e.domain()) && sameUri(vm.domain().hypervisor(), e.hypervisorUri())) {
                        VmStatus st = switch (e.kind()) {
                            case STARTED -> VmStatus.RUNNING;
                            case CRASHED -> VmStatus.FAILED;
                            default -> e.detail().equals("CRASHED") ? VmStatus.FAILED : VmStatus.STOPPED;
                        };
                        if (st == VmStatus.STOPPED && state.vm(vm.id()).status() == VmStatus.RUNNING
                                && !state.busy("vm:" + vm.id())) {
                            LOG.warn("[{}] {} stopped by itself ({}): the guest counts as fenced", vm.node(),
                                    vm.id(), e.detail());
                        }
                        apply(new Event.VmSeen(vm.id(), st, e.detail()));
                    }
                }
            });
            default -> {
            }
        }
    }

    private static boolean sameUri(String a, String b) {
        return a.replaceAll("/+$", "").equals(b.replaceAll("/+$", ""));
    }

    /** Asks libvirt for every VM's state, on each guest's lane (a slow libvirt stalls only that lane). */
    private void sweepVms() {
        for (VmResource vm : definitions.vms()) {
            if (state.busy("vm:" + vm.id())) {
                continue;
            }
            lane(vm.node()).execute(() -> {
                DomainState s = domains.monitor(ActionRunner.domainSpec(vm), Duration.ofSeconds(5));
                VmStatus st = switch (s.status()) {
                    case RUNNING -> VmStatus.RUNNING;
                    case STOPPED -> VmStatus.STOPPED;
                    case FAILED -> VmStatus.FAILED;
                    case UNKNOWN -> VmStatus.UNKNOWN;
                };
                if (st != state.vm(vm.id()).status()) {
                    submit(new Event.VmSeen(vm.id(), st, s.detail() + " (" + s.evidence() + ")"));
                }
            });
        }
    }

    @Override
    public void close() {
        running = false;
        loop.interrupt();
        timers.shutdownNow();
        sessions.closeAll();
        lanes.values().forEach(ExecutorService::shutdownNow);
        client.close();
        writer.execute(this::writeLatest);
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The bounded event journal. */
    public static final class Journal {
        private Journal() {
        }

        public record Entry(Instant at, String what) {
        }
    }
}
