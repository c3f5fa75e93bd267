package io.guestnode.operator.engine;

import io.guestnode.agents.domain.DomainAgent;
import io.guestnode.agents.remote.RemoteExecutorClient;
import io.guestnode.agents.remote.tls.AuthKey;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.Action;
import io.guestnode.operator.planner.Event;
import io.guestnode.operator.planner.HostPolicy;
import io.guestnode.operator.planner.IncrementalPlanner;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.Overrides;
import io.guestnode.operator.planner.Plan;
import io.guestnode.operator.planner.Planner;
import io.guestnode.operator.planner.Replacements;
import io.guestnode.operator.planner.StateReducer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control loop: one thread owns the definitions, the observed state and the overrides. Events from observers and
 * the executor, and operator commands, arrive in an inbox; the loop takes everything waiting, reduces it into the
 * state, plans once, and sends new actions to their guest node's lane (fences go at once, apart from the lanes).
 * Snapshots are published for status and written to the state store.
 */
public final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    /** At most this many inbox items are folded into one plan. */
    static final int MAX_BATCH = 1024;

    private final EngineEvents events = new EngineEvents(this::apply, this::journal, () -> this.definitions);
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("engine-timer").factory());
    private final Lanes lanes = new Lanes();
    private final RemoteExecutorClient client;
    private final GuestSessions sessions;
    private final ActionRunner runner;
    private final VmObservers observers;
    private final Clock clock;
    private final StateWriter writer;
    private final Thread loop;
    private final HostPolicy policy;

    // owned by the loop thread
    private final WorkingDefinitions defs;
    private final Departures departures = new Departures(this);
    /** What the planner works on ({@link WorkingDefinitions#working()}), readable from other threads. */
    private volatile Definitions definitions;
    private volatile ObservedState state;
    private volatile Overrides overrides;
    private final BoundedJournal journal;
    private ScheduledFuture<?> wake;
    private boolean dirty;
    private long seq;
    private final List<Runnable> afterPlan = new ArrayList<>();
    private final IncrementalPlanner planner = new IncrementalPlanner();
    /** What changed since the last plan: only those parts of the cluster are planned again. */
    private final IncrementalPlanner.Touched touched = new IncrementalPlanner.Touched();
    private volatile Snapshot snapshot;
    private volatile boolean running = true;
    private volatile EngineListener listener = EngineListener.NONE;
    /** Whether this host still owns a guest another client took over; one host alone owns all it defines. */
    private volatile java.util.function.Predicate<String> owner = node -> true;

    /** What status shows and the state store keeps; immutable. {@code seq} grows with every snapshot. */
    public record Snapshot(Definitions definitions, ObservedState state, Overrides overrides, Plan plan,
                           List<Journal.Entry> journal, Instant at, long seq) {
    }

    public Engine(Definitions definitions, ObservedState initial, Overrides overrides, List<Journal.Entry> journal,
                  DomainAgent domains, Supplier<AuthKey> key, Clock clock, StateWriter.Persister persist) {
        this(definitions, initial, overrides, journal, domains, key, clock, persist, HostPolicy.DEFAULT);
    }

    public Engine(Definitions definitions, ObservedState initial, Overrides overrides, List<Journal.Entry> journal,
                  DomainAgent domains, Supplier<AuthKey> key, Clock clock, StateWriter.Persister persist,
                  HostPolicy policy) {
        this.policy = policy;
        this.defs = new WorkingDefinitions(definitions);
        this.definitions = definitions;
        this.state = initial;
        this.overrides = overrides;
        this.journal = new BoundedJournal(journal);
        this.client = new RemoteExecutorClient(clock);
        this.sessions = new GuestSessions(events::onSession, node -> this.definitions.vmOfNode(node)
                .map(v -> Planner.guestManaged(v, this.overrides)).orElse(false), node -> owner.test(node));
        this.runner = new ActionRunner(domains, new Connector(client), sessions, key,
                "guestnode@" + definitions.hostNode());
        this.clock = clock;
        this.writer = new StateWriter(persist);
        this.observers = new VmObservers(domains, lanes, events::vmSeen, () -> this.definitions,
                () -> this.state);
        events.observers(observers);
        domains.addListener(events::onDomain);
        this.dirty = true; // the first batch plans, whatever it holds
        this.loop = Thread.ofPlatform().name("control-loop").start(this::run);
        submitTask(observers::sweep);
        timers.scheduleWithFixedDelay(() -> submitTask(() -> observers.sweep(false)), VmObservers.SWEEP.toMillis(),
                VmObservers.SWEEP.toMillis(), TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(() -> submitTask(observers::sweep), VmObservers.FULL_SWEEP.toMillis(),
                VmObservers.FULL_SWEEP.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------ inputs

    /**
     * Who decides whether this host still owns a guest after another client took its remoted over (one of several
     * hosts: the claim, re-read; the check destroys a copy this host does not own).
     */
    public void ownership(java.util.function.Predicate<String> stillOwner) {
        this.owner = stillOwner;
    }

    /** Who is told of each action begun and each event folded in (on the loop). */
    public void listen(EngineListener l) {
        this.listener = l;
    }

    /** An event from an observer or the executor; any thread. */
    public void submit(Event e) {
        submitTask(() -> apply(e));
    }


    private void submitTask(Runnable r) {
        if (running) {
            events.task(r);
        }
    }

    /** Events dropped because their source flooded the inbox. */
    public long droppedEvents() {
        return events.dropped();
    }

    /**
     * Runs {@code f} on the loop with the current state and returns its result (reads, and commands through
     * {@link #command}). When the loop does not take it within {@code timeout}, it is withdrawn: it never runs later.
     */
    public <T> T call(Function<Engine, T> f, Duration timeout) throws InterruptedException {
        PendingCall<T> c = new PendingCall<>(f);
        submitTask(() -> c.run(this));
        return c.await(timeout);
    }

    public <T> T call(Function<Engine, T> f) throws InterruptedException {
        return call(f, Duration.ofSeconds(30));
    }

    /**
     * An operator's command: runs {@code f} on the loop, then returns only once the state it produced is planned and
     * on disk, so that an acknowledged command survives a crash.
     *
     * @throws IllegalStateException when the loop did not take it in time (it is then not carried out at all), or
     *                               when its effect could not be saved (it is in force, but a restart would lose it)
     */
    public <T> T command(Function<Engine, T> f, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        record Done<T>(T value, long seq) {
        }
        Done<T> done = call(e -> {
            T v = f.apply(e);
            return new Done<>(v, e.seq + (e.dirty ? 1 : 0));
        }, timeout);
        try {
            writer.awaitSaved(done.seq(), Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        } catch (StateWriter.NotSaved e) {
            throw new IllegalStateException("done, but not saved: " + e.getMessage()
                    + "; a restart of guestnode would forget it");
        }
        return done.value();
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    // ------------------------------------------------------------ operator commands (run on the loop)

    /**
     * Takes new definitions; false (and nothing journaled or planned) when they equal the running ones. A VM whose
     * identity changed keeps its old identity until that is verified stopped ({@link Replacements}).
     *
     * @throws IllegalArgumentException when the new definitions give a running guest's domain to another guest node
     */
    public boolean replaceDefinitions(Definitions d) {
        Optional<WorkingDefinitions.Change> change = defs.replace(d, state);
        change.ifPresent(this::take);
        return change.isPresent();
    }

    private void take(WorkingDefinitions.Change change) {
        definitions = defs.working();
        change.journal().forEach(this::journal);
        change.lookAfresh().forEach(this::lookAfresh);
        dirty = true;
    }

    /** A VM new to the working set, or whose domain changed: its state is asked of libvirt before anything is done. */
    private void lookAfresh(VmResource v) {
        ObservedState.Mutable m = state.edit();
        m.vms.remove(v.id());
        state = m.done();
        touched.add(v.id());
        observers.check(v);
    }

    public void setOverrides(Overrides o, String why) {
        overrides = o;
        journal(why);
        dirty = true;
    }

    public Overrides overrides() {
        return overrides;
    }

    /** A guest node leaving this host by live migration: held, its connection stopped, taken back, let go. */
    public Departures departures() {
        return departures;
    }

    /** Sets the overrides for what concerns {@code node} (on the loop), journaling why. */
    void overrides(Overrides o, String node, String why) {
        setOverrides(o, why);
        touched.add(node);
    }

    /**
     * Forgets a guest node that lives on elsewhere: its session closed quietly, it and what runs in it forgotten, and
     * {@code next} (this host's definitions without it) taken.
     */
    void forget(String node, VmResource vm, Definitions next, String why) {
        Set<String> inside = LetGo.inside(node, state);
        overrides = overrides.withMigrating(node, false).withConnectionStopped(node, false);
        sessions.close(node);
        state = LetGo.forget(node, vm, state);
        LOG.info("[{}] {}", node, why);
        journal(node + ": " + why);
        defs.letGo(node, inside, next, state).ifPresent(this::take);
        touched.add(node);
        dirty = true;
    }

    /** Records {@code what} in the journal (on the loop). */
    public void note(String what) {
        journal(what);
        dirty = true;
    }

    public Definitions definitions() {
        return definitions;
    }

    public ObservedState state() {
        return state;
    }

    /** Operator-requested fence: the guest becomes unclean and the planner fences it. */
    public void fence(String node, String who) {
        ObservedState.Mutable m = state.edit();
        m.guests.put(node, m.guest(node).unclean(io.guestnode.operator.planner.Observed.UncleanCause.SETTLED_BY_FENCE, "fenced by the operator"));
        state = m.done();
        touched.add(node);
        journal("fence of " + node + " requested by " + who);
        dirty = true;
    }

    public void cleanup(String resource, Optional<String> node, String who) {
        apply(new Event.Cleanup(resource, node));
        journal("cleanup of " + resource + node.map(n -> " on " + n).orElse("") + " by " + who);
    }

    // ------------------------------------------------------------ the loop

    private void run() {
        List<Runnable> batch = new ArrayList<>();
        while (running) {
            try {
                batch.add(events.inbox().take());
            } catch (InterruptedException e) {
                return;
            }
            events.inbox().drainTo(batch, MAX_BATCH - 1);
            for (Runnable r : batch) {
                step(r);
            }
            batch.clear();
            if (dirty && running) {
                step(this::replan);
            }
            List<Runnable> after = List.copyOf(afterPlan);
            afterPlan.clear();
            after.forEach(this::step);
        }
    }

    private void step(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("control loop step failed", e);
        }
    }

    private void apply(Event e) {
        JournalLines.of(e, state, definitions, overrides).ifPresent(this::journal);
        Instant now = clock.instant();
        ObservedState next = StateReducer.apply(definitions, overrides, state, e, now);
        listener.applied(e, state, next, now);
        if (next != state) { // an event that changes nothing (a VM seen as it was) plans nothing
            state = next;
            IncrementalPlanner.subjects(e).forEach(touched::add);
            dirty = true;
        }
    }

    private void replan() {
        dirty = false;
        Instant now = clock.instant();
        WorkingDefinitions.Change settled = defs.settle(state);
        if (!settled.isEmpty()) {
            take(settled);
        }
        Plan plan = planner.plan(definitions, state, overrides, policy, now, touched);
        touched.clear();
        JournalLines.waitingFences(plan, snapshot == null ? null : snapshot.plan()).forEach(this::journal);
        for (Action a : plan.actions()) {
            if (!state.busy(a.key())) {
                dispatch(a);
            }
        }
        if (wake != null) {
            wake.cancel(false);
            wake = null;
        }
        plan.wakeAt().ifPresent(t -> wake = schedule(() -> submitTask(() -> dirty = true),
                Math.max(1, Duration.between(clock.instant(), t).toMillis())));
        snapshot = new Snapshot(definitions, state, overrides, plan, journal.entries(), now, ++seq);
        writer.offer(snapshot);
    }

    /**
     * An action begins now, not when its step began planning: the fence limit counts fences from this instant and
     * the journal shows the same one, so no window of the journal holds more fences than the limit.
     */
    private void dispatch(Action a) {
        Instant now = clock.instant();
        state = StateReducer.apply(definitions, overrides, state, new Event.ActionStarted(a), now);
        IncrementalPlanner.subjects(a).forEach(touched::add);
        LOG.info("[{}] {} ({})", a.lane(), a, a.reason());
        listener.dispatched(a, now);
        journal.add(now, a + " (" + a.reason() + ")");
        Definitions d = definitions;
        Runnable task = () -> submit(runner.run(d, a));
        boolean sent = a instanceof Action.Fence ? lanes.fence(task) : lanes.onLane(a.lane(), task);
        if (!sent) {
            state = StateReducer.apply(definitions, overrides, state, Event.ActionFinished.failed(a, "Error",
                    "guestnode is stopping"), now);
        }
    }

    private ScheduledFuture<?> schedule(Runnable r, long ms) {
        try {
            return timers.schedule(r, ms, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private void journal(String what) {
        journal.add(clock.instant(), what);
    }

    @Override
    public void close() {
        running = false;
        events.close();
        loop.interrupt();
        timers.shutdownNow();
        lanes.close();
        sessions.closeAll();
        client.close();
        writer.close();
    }

    /** The bounded event journal's entries. */
    public static final class Journal {
        private Journal() {
        }

        public record Entry(Instant at, String what) {
        }
    }
}
