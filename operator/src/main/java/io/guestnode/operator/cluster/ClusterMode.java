package io.guestnode.operator.cluster;

import io.guestnode.agents.coordination.CoordinationException;
import io.guestnode.agents.coordination.Heartbeat;
import io.guestnode.agents.coordination.Timing;
import io.guestnode.agents.coordination.ZkCoordination;
import io.guestnode.agents.domain.DomainAgent;
import io.guestnode.agents.domain.DomainState;
import io.guestnode.agents.fencing.HostWatchdog;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.engine.DomainSpecs;
import io.guestnode.operator.engine.Engine;
import io.guestnode.operator.planner.HostShare;
import io.guestnode.operator.planner.Overrides;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
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
    private static final Duration DESTROY_TIMEOUT = Duration.ofSeconds(5);

    private final ZkCoordination zk;
    private final Timing timing;
    private final DomainAgent domains;
    private final HostWatchdog watchdog;
    private final HostMember member;
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
    private volatile EnginePort engine;

    /** What cluster mode needs of this host's engine. */
    public interface EnginePort {
        /** This host's definitions from now on (its share of the cluster's). */
        void share(Definitions d) throws InterruptedException;

        Overrides overrides();

        static EnginePort of(Engine e) {
            return new EnginePort() {
                @Override
                public void share(Definitions d) throws InterruptedException {
                    e.call(x -> x.replaceDefinitions(d), Duration.ofSeconds(5));
                }

                @Override
                public Overrides overrides() {
                    return e.overrides();
                }
            };
        }
    }

    /**
     * Joins the cluster (membership znode, heartbeat) and reads which of the defined guests run here now; nothing is
     * started or fed before {@link #attach(Engine)}.
     */
    public ClusterMode(ZkCoordination zk, Timing timing, DomainAgent domains, HostWatchdog watchdog, Definitions all)
            throws CoordinationException {
        this.zk = zk;
        this.timing = timing;
        this.domains = domains;
        this.watchdog = watchdog;
        this.all = all;
        this.member = new HostMember(zk);
        this.leader = new LeaderStep(zk);
        zk.join("libvirt guests " + all.vms().size());
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
        unsettled.addAll(runningHere(all));
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
        return new ClaimGuard(domains, this::refusal);
    }

    /** The definitions this host's engine begins with: nothing is held yet. */
    public Definitions initialShare() {
        return HostShare.of(all, Set.of());
    }

    /** Starts the heartbeat and the steps, driving {@code e}. */
    public void attach(Engine e) {
        attach(EnginePort.of(e));
    }

    /** Starts the heartbeat and the steps, driving {@code e}. */
    public void attach(EnginePort e) {
        this.engine = e;
        heartbeat.start();
        timer.scheduleWithFixedDelay(this::tick, STEP.toMillis(), STEP.toMillis(), TimeUnit.MILLISECONDS);
        feeder.scheduleAtFixedRate(this::feed, STEP.toMillis(), STEP.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void feed() {
        if (settled && heartbeat.fresh()) {
            watchdog.feedUntil(heartbeat.freshUntil());
        }
    }

    /** New definitions for the whole cluster (a reload); this host's share follows at the next step. */
    public void definitions(Definitions d) {
        this.all = d;
    }

    Optional<String> refusal(String domainName) {
        Optional<VmResource> vm = all.vms().stream().filter(v -> v.domain().domainName().equals(domainName))
                .findFirst();
        if (vm.isEmpty()) {
            return Optional.of("no guest of the definitions has this domain");
        }
        String g = vm.get().node();
        if (!heartbeat.fresh()) {
            return Optional.of("this host's lease is not fresh (no write acknowledged by a quorum within "
                    + timing.selfFenceAfter().toMillis() + " ms)");
        }
        try {
            return held.contains(g) && zk.holdsClaim(g) ? Optional.empty()
                    : Optional.of("this host does not hold the claim of " + g);
        } catch (CoordinationException e) {
            return Optional.of("the claim of " + g + " could not be read: " + e.getMessage());
        }
    }

    private void tick() {
        try {
            if (heartbeat.fresh()) {
                memberStep();
                if (zk.lead()) {
                    leader.run(all, overrides(), timing.fenceDelay(), Set.of(), Set.of(), Set.of(), Instant.now());
                }
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

    private void memberStep() throws CoordinationException {
        Definitions d = all;
        Set<String> running;
        synchronized (unsettled) {
            running = Set.copyOf(unsettled);
        }
        HostMember.Outcome o = member.step(d.guestNodes(), running);
        for (String g : o.destroy()) {
            d.vmOfNode(g).ifPresent(vm -> destroy(vm, "held by another host"));
        }
        synchronized (unsettled) {
            unsettled.removeAll(o.held());
            unsettled.removeAll(o.destroy());
            if (!settled && unsettled.isEmpty()) {
                LOG.info("every guest found running at start-up is claimed again or destroyed");
                settled = true;
            }
        }
        share(d, o.held());
    }

    private void share(Definitions d, Set<String> now) {
        Set<String> before = held;
        held = Set.copyOf(now);
        EnginePort e = engine;
        if (e != null && (!before.equals(now) || d != shared)) {
            shared = d;
            if (!before.equals(now)) {
                LOG.info("this host holds {}", new java.util.TreeSet<>(now));
            }
            try {
                e.share(HostShare.of(d, now));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException ex) {
                LOG.error("this host's definitions not taken: {}", ex.getMessage());
            }
        }
    }

    private volatile Definitions shared;

    /** No write acknowledged for S: nothing starts, every local guest of the definitions is destroyed now. */
    private void selfFence(Duration silence) {
        LOG.error("no write acknowledged by a ZooKeeper quorum for {} ms: this host fences itself (refuses starts, "
                + "destroys its guests)", silence.toMillis());
        held = Set.of(); // the guard refuses every start from now on (and the lease is not fresh either)
        Definitions d = all;
        java.util.List<Thread> ts = new java.util.ArrayList<>();
        for (VmResource vm : d.vms()) {
            ts.add(Thread.ofVirtual().name("self-fence " + vm.node()).start(() -> destroy(vm, "self-fence")));
        }
        member.forget();
        for (Thread t : ts) {
            try {
                t.join(DESTROY_TIMEOUT.toMillis() * 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        Thread.ofVirtual().name("self-fence share").start(() -> share(d, Set.of()));
    }

    private void destroy(VmResource vm, String why) {
        try {
            var r = domains.destroy(DomainSpecs.of(vm), DESTROY_TIMEOUT);
            if (!r.how().equals("already stopped")) {
                LOG.warn("{}: domain {} destroyed ({})", vm.node(), vm.domain().domainName(), why);
            }
        } catch (io.guestnode.agents.domain.DomainException e) {
            LOG.error("{}: domain {} not destroyed ({}): {}", vm.node(), vm.domain().domainName(), why,
                    e.getMessage());
        }
    }

    private Set<String> runningHere(Definitions d) {
        Set<String> out = new HashSet<>();
        for (VmResource vm : d.vms()) {
            DomainState s = domains.monitor(DomainSpecs.of(vm), DESTROY_TIMEOUT);
            if (s.status() != DomainState.Status.STOPPED) {
                out.add(vm.node()); // running, failed, or unknown: never read as stopped
            }
        }
        return out;
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
