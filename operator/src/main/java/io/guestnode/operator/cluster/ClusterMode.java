package io.guestnode.operator.cluster;

import io.guestnode.agents.coordination.Coordination;
import io.guestnode.agents.coordination.CoordinationException;
import io.guestnode.agents.coordination.Heartbeat;
import io.guestnode.agents.coordination.LeaderZnode;
import io.guestnode.agents.coordination.Timing;
import io.guestnode.agents.coordination.ZkCoordination;
import io.guestnode.agents.domain.DomainAgent;
import io.guestnode.agents.domain.DomainState;
import io.guestnode.agents.fencing.HostWatchdog;
import io.guestnode.operator.api.ClusterView;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.engine.DomainSpecs;
import io.guestnode.operator.engine.Engine;
import io.guestnode.operator.planner.HostOverrides;
import io.guestnode.operator.planner.HostShare;
import io.guestnode.operator.planner.Overrides;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This host as one of several: a member of the ensemble's cluster, holding the claims of the guests it runs. Its own
 * timers (never a library's connection events) decide: every {@link #STEP} the host claims what the leader placed
 * here and hands its engine the definitions of what it holds ({@link HostShare}); the leader, whoever holds the leader
 * znode, plans placement and recovery ({@link LeaderStep}); the host watchdog is fed the lease's end while the lease is
 * fresh and every guest found running at start-up is claimed again or destroyed. Silent for S, the host refuses
 * starts ({@link ClaimGuard}) and destroys every local guest of the definitions.
 */
public final class ClusterMode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterMode.class);
    static final Duration STEP = Duration.ofMillis(250);

    private final ZkCoordination zk;
    private final Timing timing;
    private final DomainAgent domains;
    private final LocalGuests local;
    private final HostWatchdog watchdog;
    private final HostMember member;
    private final HistoryKeeper history;
    private final LeaderStep leader;
    private final Heartbeat heartbeat;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("cluster").factory());
    /** Feeds the watchdog on a thread of its own: a slow step never delays a feed. */
    private final ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("watchdog-feed").factory());
    private volatile Definitions all;
    private volatile Set<String> held = Set.of();
    /** Guests found running here at start-up and not yet claimed again or destroyed. */
    private final Set<String> unsettled = new HashSet<>();
    private volatile boolean settled;
    private final SelfFence fence;
    private volatile EnginePort engine;
    private volatile ClusterView view;
    private final DefinitionsAgreement agreement;
    private final TakeoverCheck takeover;
    private volatile HostFencing fencing = new HostFencing(Optional.empty());
    private final LeaderZnode leaderZnode;
    private final Relocations relocations;
    private final EngineFeed feed = new EngineFeed();
    private final Migrations migrations;
    private final Arrivals arrivals;
    private final HostOverridesDoc hostOverrides;
    /** Held guests being relocated away: the engine is not given them (it stops them). */
    private volatile Set<String> leaving = Set.of();
    /** The leader as the last step saw it (only the step's thread uses it). */
    private String lastLeader = "";

    /**
     * Joins the cluster (membership znode, heartbeat) and reads which of the defined guests run here now; nothing is
     * started or fed before {@link #attach(Engine)}.
     */
    public ClusterMode(ZkCoordination zk, Timing timing, DomainAgent domains, HostWatchdog watchdog, Definitions all)
            throws CoordinationException {
        this(zk, timing, domains, watchdog, all, Optional.empty());
    }

    /**
     * As above, with the cluster's definitions kept in ZooKeeper ({@code shared}): {@code all} are the ones this host
     * begins with ({@link SharedDefinitions#begin}), and it takes every later version.
     */
    public ClusterMode(ZkCoordination zk, Timing timing, DomainAgent domains, HostWatchdog watchdog, Definitions all,
                       Optional<SharedDefinitions> shared) throws CoordinationException {
        this.zk = zk;
        this.timing = timing;
        this.domains = domains;
        this.local = new LocalGuests(domains);
        this.fence = new SelfFence(local);
        this.watchdog = watchdog;
        this.all = all;
        Holds holds = Holds.fromSystem();
        this.arrivals = new Arrivals(domains, local, g -> zk.onRecordChange(g, this::stepNow), holds);
        this.member = new HostMember(zk, holds, arrivals::expects);
        this.history = new HistoryKeeper(zk);
        this.leader = new LeaderStep(zk);
        this.agreement = new DefinitionsAgreement(zk, shared, all);
        this.leaderZnode = zk.leader();
        this.relocations = new Relocations(zk, domains);
        this.migrations = new Migrations(zk, domains, this::stepNow, holds);
        this.hostOverrides = new HostOverridesDoc(zk.document("host-overrides"));
        this.takeover = new TakeoverCheck(zk, local, this::release, this::share);
        zk.join(agreement.facts());
        this.heartbeat = new Heartbeat(timing, zk.heartbeatWriter(), zk::moveSession, new Heartbeat.Listener() {
            @Override
            public void selfFence(Duration silence) {
                ClusterMode.this.selfFence(silence);
            }

            @Override
            public void quorumRegained() {
                LOG.warn("writes acknowledged again: guests are claimed anew");
            }
        }, System::nanoTime);
        unsettled.addAll(local.runningHere(all));
        settled = unsettled.isEmpty();
        if (!settled) {
            LOG.warn("running here at start-up: {}; each is claimed again or destroyed before the watchdog is fed",
                    unsettled);
        }
    }

    /** The guests this host holds the claims of, as of the last step. */
    public Set<String> held() {
        return held;
    }

    /** Whether every guest found running at start-up is claimed again or destroyed (only then is the watchdog fed). */
    public boolean settled() {
        return settled;
    }

    /** The domain agent the engine gets: starts only with a fresh lease and a held claim. */
    public DomainAgent guard() {
        return new ClaimGuard(domains, new StartPermit(() -> all, () -> held, migrations::underWay, heartbeat::fresh,
                timing.selfFenceAfter(), zk)::refusal);
    }

    /** move, ban, clear and standby: the operators' host overrides the cluster keeps. */
    public io.guestnode.operator.api.ClusterVerbs verbs() {
        return new HostVerbs(() -> all, hostOverrides, zk);
    }

    /** The definitions this host's engine begins with: nothing is held yet. */
    public Definitions initialShare() {
        return HostShare.of(all, Set.of());
    }

    /**
     * Other hosts migrate guests to this host by the libvirt URI {@code uri} (announced with its heartbeat); this host
     * migrates guests to another by the URI that host announces. {@code unsafe}: a test lab's disks on tmpfs.
     */
    public void migrateWith(String uri, boolean unsafe) {
        agreement.migrationUri(uri);
        migrations.settings(Migrations.Settings.announced(zk, unsafe));
    }

    /** While this host leads, lost hosts are fenced with {@code agent}: a confirmed "off" spares the fence delay. */
    public void fenceWith(io.guestnode.agents.fencing.HostFenceAgent agent) {
        fencing = new HostFencing(Optional.of(agent));
    }

    /** Starts the heartbeat and the steps, driving {@code e}. */
    public void attach(Engine e) {
        attach(EnginePort.of(e));
    }

    /** Starts the heartbeat and the steps, driving {@code e}. */
    public void attach(EnginePort e) {
        this.engine = e;
        e.ownership(this::stillOwner);
        heartbeat.start();
        timer.scheduleWithFixedDelay(this::tick, STEP.toMillis(), STEP.toMillis(), TimeUnit.MILLISECONDS);
        feeder.scheduleAtFixedRate(this::feed, STEP.toMillis(), STEP.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * With a fresh lease, the watchdog is fed the lease's end (once every guest found at start-up is accounted for).
     * A host whose self-fence destroyed every local guest runs nothing and starts nothing until its lease is fresh
     * again: it is fed a rolling deadline of S ahead, so it is not reset for a quorum it cannot reach.
     */
    private void feed() {
        if (settled && heartbeat.fresh()) {
            watchdog.feedUntil(heartbeat.freshUntil());
        } else if (fence.emptied()) {
            watchdog.feedUntil(System.nanoTime() + timing.selfFenceAfter().toNanos());
        }
    }

    /** This host's definitions from now on; its share follows at the next step. */
    public void definitions(Definitions d) {
        this.all = d;
        agreement.mine(d);
    }

    /**
     * A reload on this host: its definition files become the cluster's (every host takes them at its next step; with
     * no shared definitions, this host's alone). Null when done, else why not.
     */
    public String reload(io.guestnode.operator.definitions.DefinitionsLoader.Result local) {
        return agreement.publish(local, this::definitions);
    }

    /** Another client took a guest's remoted over: whether this host still owns it ({@link TakeoverCheck}). */
    boolean stillOwner(String guest) {
        return takeover.stillOwner(all, guest);
    }

    /** This host stops holding the guest: the guard refuses its start from now on. */
    private synchronized Set<String> release(String guest) {
        Set<String> keep = new HashSet<>(held);
        keep.remove(guest);
        held = Set.copyOf(keep);
        return held;
    }

    /** What this host last read of the cluster; null before its first step. */
    public ClusterView view() {
        ClusterView v = view;
        var t = zk.traffic();
        return v == null ? null : new ClusterView(v.self(), v.leader(), heartbeat.fresh(), v.hosts(), v.guests(),
                v.read(), v.digest(), v.differ(), t.writes(), t.reads(), v.standby());
    }

    private void remember(Coordination.Snapshot snap, String leader, Set<String> differ, Set<String> standby) {
        view = ClusterViews.of(snap, zk.host(), leader, agreement.digest(), differ, standby);
    }

    /** The next step at once rather than at its time (a hint: the step decides only on what it reads). */
    private void stepNow() {
        try {
            timer.execute(this::tick);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    private void tick() {
        try {
            if (heartbeat.fresh()) {
                fence.freshStep(); // before any claim
                agreement.poll(this::definitions);
                java.util.Map<String, String> digests = agreement.digests();
                boolean agree = agreement.agrees(agreement.reference(digests, lastLeader));
                LeaderZnode.Leadership lead = leaderZnode.lead(agree);
                if (lead.mine() && !agree) { // a leader acts on the cluster's definitions or not at all
                    leaderZnode.resign();
                    lead = new LeaderZnode.Leadership("", false);
                }
                lastLeader = lead.holder();
                Coordination.Snapshot read = memberStep(agree);
                Set<String> differ = DefinitionsAgreement.differ(read.hosts(), digests,
                        agreement.reference(digests, lead.holder()));
                HostOverrides ho = hostOverrides.read();
                EnginePort port = engine;
                if (port != null && hostOverrides.known()) { // never a broken document's word
                    port.follow(ho.services());
                }
                if (lead.mine()) {
                    leader.run(read, all, overrides(), timing.fenceDelay(), ho, differ,
                            fencing.confirmedOff(read), Instant.now());
                } else {
                    fencing.notLeading();
                }
                remember(read, lead.holder(), differ, ho.standby());
            }
        } catch (CoordinationException e) {
            LOG.debug("cluster step: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("cluster step failed", e);
        }
    }

    private Overrides overrides() {
        EnginePort e = engine;
        return e == null ? Overrides.NONE : e.overrides();
    }

    private Coordination.Snapshot memberStep(boolean newClaims) throws CoordinationException {
        Definitions d = all;
        Set<String> running;
        synchronized (unsettled) {
            running = Set.copyOf(unsettled);
        }
        HostMember.Outcome o = member.step(d.guestNodes(), running, newClaims);
        for (String g : o.destroy()) {
            d.vmOfNode(g).ifPresent(vm -> local.destroy(vm, "held by another host"));
        }
        if (!heartbeat.fresh()) {
            return o.read(); // the lease ran out during the step: a self-fence decides now, not this step's view
        }
        synchronized (unsettled) {
            unsettled.removeAll(o.held());
            unsettled.removeAll(o.destroy());
            if (!settled && unsettled.isEmpty()) {
                LOG.info("every guest found running at start-up is claimed again or destroyed");
                settled = true;
            }
        }
        EnginePort e = engine;
        Set<String> claimed = new java.util.TreeSet<>(o.held());
        claimed.removeAll(held);
        if (e != null) {
            history.adopt(claimed, e); // before the engine has the guest: it plans with the failures known
        }
        arrivals.step(o, d, claimed, zk.host()); // resumed before the engine is given it
        Set<String> holds = new java.util.TreeSet<>(o.held());
        Relocations.Journal journal = what -> {
            if (e != null) {
                e.note(what);
            }
        };
        holds.removeAll(relocations.handOver(o, d, e == null ? Optional.empty() : e.working(), journal));
        if (e != null) {
            holds.removeAll(migrations.step(o, d, Migrations.Engine.of(g -> prepare(d, g, false),
                    g -> prepare(d, g, true), e::stopConnection, e::stayed), journal));
        }
        leaving = o.leaving();
        share(d, holds);
        if (e != null) {
            history.publish(holds, e);
        }
        return o.read();
    }

    /**
     * This host's share from now on: the guard's set at once, and the engine's definitions when they differ from what
     * it was last given ({@link EngineFeed}; compared with that, never with {@link #held}, which a self-fence empties
     * first).
     */
    private synchronized void share(Definitions d, Set<String> holds) {
        held = Set.copyOf(holds);
        feed.give(engine, d, runs(holds));
    }

    /** What the engine runs of what this host holds: not what it stops to relocate, nor what migrated away. */
    private Set<String> runs(Set<String> holds) {
        Set<String> now = new HashSet<>(holds);
        now.removeAll(leaving);
        now.removeAll(migrations.letGo());
        return now;
    }

    /**
     * For a guest that migrates away, the engine holds it ({@code letGo} false: observes it, no longer acts on it) or
     * lets go of it without stopping anything in it; empty when it did.
     */
    private synchronized Optional<String> prepare(Definitions d, String guest, boolean letGo) {
        Set<String> now = runs(held);
        now.remove(guest);
        return letGo ? feed.letGo(engine, d, now, guest) : engine.migrating(guest, HostShare.of(d, now));
    }

    /**
     * No write acknowledged for S: nothing starts, every local guest of the definitions is destroyed now. When every
     * destroy is confirmed, this host runs nothing and needs no reset: the watchdog is kept at bay as an empty host's
     * ({@link #feed()}) until the lease is fresh again. A destroy that fails or hangs leaves the watchdog unfed: the
     * host resets W after its lease ended.
     */
    private void selfFence(Duration silence) {
        LOG.error("no write acknowledged by a ZooKeeper quorum for {} ms: this host fences itself (refuses starts, "
                + "destroys its guests)", silence.toMillis());
        synchronized (this) { // as share and release: none of them writes back a set from before the fence
            held = Set.of(); // the guard refuses every start from now on (and the lease is not fresh either)
        }
        Definitions d = all;
        try {
            fence.destroyAll(d, member::forget);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        Thread.ofVirtual().name("self-fence share").start(() -> share(d, Set.of()));
    }

    /**
     * A planned stop: the guests this host holds are frozen (they keep running, nobody recovers them), the watchdog
     * is disarmed, and the host leaves the cluster.
     */
    @Override
    public void close() {
        timer.shutdownNow();
        feeder.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String g : held) {
            try {
                zk.freeze(g);
            } catch (CoordinationException e) {
                LOG.warn("{}: not frozen: {}", g, e.getMessage());
            }
        }
        heartbeat.close();
        watchdog.disarm();
        watchdog.close();
        zk.close();
    }
}
