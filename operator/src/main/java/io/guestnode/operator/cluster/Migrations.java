package io.guestnode.operator.cluster;

import io.guestnode.agents.coordination.Coordination;
import io.guestnode.agents.coordination.CoordinationException;
import io.guestnode.agents.coordination.GuestRecord;
import io.guestnode.agents.coordination.Versioned;
import io.guestnode.agents.domain.DomainAgent;
import io.guestnode.agents.domain.DomainException;
import io.guestnode.agents.domain.DomainState;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.engine.DomainSpecs;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source's half of a live migration. For a guest the leader marks migrating (this host its owner, another the
 * target), the engine first holds it: it observes it and no longer acts on it, while its session and its services'
 * monitors go on ({@code hold}); no start of it passes this host's guard from then on. Then libvirt migrates it, peer
 * to peer, left paused on the target. What happened is read from libvirt here, never guessed from the call's outcome:
 * the domain gone from this host means it is on the target: the engine lets go of it without stopping anything
 * ({@code release}: its session closed, it and its services forgotten) and this host hands it over (one transaction:
 * owner the target, its claim deleted; the target claims it, then resumes it). The domain still running here means the
 * migration failed: this host marks that in the record (running, the target kept) and its engine acts on it again. A
 * paused domain here is resumed first (libvirt may leave it paused after a failure); an answer that is not clear is
 * asked again at the next step. Until the handover nobody else may claim the guest, and the target never runs it
 * before it owns it.
 */
final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final Duration MONITOR_TIMEOUT = Duration.ofSeconds(5);

    /** How this host migrates: the libvirt URI of each host (from what it says of itself), and the lab's flag. */
    record Settings(Function<String, Optional<String>> uriOf, boolean unsafe) {
        /** Each host's URI as it announces it in its membership znode ({@link HostFacts}). */
        static Settings announced(io.guestnode.agents.coordination.ZkCoordination zk, boolean unsafe) {
            return new Settings(h -> {
                try {
                    return Optional.ofNullable(zk.hostFacts().get(h)).flatMap(HostFacts::migrationUri);
                } catch (CoordinationException e) {
                    return Optional.empty();
                }
            }, unsafe);
        }
    }

    /** One migration under way: its target, when it began, libvirt's answer once it came, and whether let go. */
    private static final class Job {
        final String target;
        final long started = System.nanoTime();
        volatile boolean done;
        volatile String error = "";
        volatile boolean letGo;

        Job(String target) {
            this.target = target;
        }
    }

    private final Coordination zk;
    private final DomainAgent domains;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    /** The guests whose connection this host's engine was asked to stop for their migration (the step's thread). */
    private final Set<String> disconnected = new java.util.HashSet<>();
    /** How long a target may take to announce its libvirt URI before the migration fails. */
    static final Duration URI_WAIT = Duration.ofSeconds(10);
    /** Since when each guest's target announces no URI (only the step's thread uses it). */
    private final Map<String, Long> noUriSince = new java.util.HashMap<>();
    private volatile Settings settings = new Settings(h -> Optional.empty(), false);
    /** Runs this host's next step at once (a migration that returned waits paused on its target until then). */
    private final Runnable wake;

    private final Holds holds;

    Migrations(Coordination zk, DomainAgent domains, Runnable wake, Holds holds) {
        this.holds = holds;
        this.zk = zk;
        this.domains = domains;
        this.wake = wake;
    }

    void settings(Settings s) {
        settings = s;
    }

    /** The guests migrating away from this host: none of them may start here. */
    Set<String> underWay() {
        return Set.copyOf(jobs.keySet());
    }

    /** The guests migrated away whose engine let go of them: they stay out of its share until handed over. */
    Set<String> letGo() {
        Set<String> out = new TreeSet<>();
        jobs.forEach((g, j) -> {
            if (j.letGo) {
                out.add(g);
            }
        });
        return out;
    }

    /** What a migration asks of this host's engine; each answer is empty when done, else why not. */
    interface Engine {
        /** Observe the guest and no longer act on it. */
        Optional<String> hold(String guest);

        /** Let go of it without stopping anything in it. */
        Optional<String> release(String guest);

        /** Stop the services in it and its connection, its VM kept running; empty once done, else why not yet. */
        Optional<String> stopConnection(String guest);

        /** Act on it again (it runs on here; connected again if its connection was stopped); false when not done. */
        boolean stayed(String guest);

        static Engine of(Function<String, Optional<String>> hold, Function<String, Optional<String>> release,
                         Function<String, Optional<String>> stopConnection,
                         java.util.function.Predicate<String> stayed) {
            return new Engine() {
                @Override
                public Optional<String> stopConnection(String guest) {
                    return stopConnection.apply(guest);
                }

                @Override
                public Optional<String> hold(String guest) {
                    return hold.apply(guest);
                }

                @Override
                public Optional<String> release(String guest) {
                    return release.apply(guest);
                }

                @Override
                public boolean stayed(String guest) {
                    return stayed.test(guest);
                }
            };
        }
    }

    /**
     * One step: begins each migration the leader asked of this host, and ends each whose libvirt call returned.
     * Returns the guests handed over.
     */
    Set<String> step(HostMember.Outcome o, Definitions d, Engine engine, Relocations.Journal journal)
            throws CoordinationException {
        for (String g : o.migrating()) {
            if (!jobs.containsKey(g)) {
                begin(g, o, d, engine, journal);
            }
        }
        // a guest whose connection was stopped but whose migration the leader no longer asks: connected again
        disconnected.removeIf(g -> !o.migrating().contains(g) && !jobs.containsKey(g) && engine.stayed(g));
        Set<String> handed = new TreeSet<>();
        for (Map.Entry<String, Job> j : Map.copyOf(jobs).entrySet()) {
            End e = j.getValue().done ? end(j.getKey(), j.getValue(), o, d, engine, journal) : End.PENDING;
            if (e != End.PENDING) {
                jobs.remove(j.getKey());
                disconnected.remove(j.getKey());
            }
            if (e == End.HANDED) {
                handed.add(j.getKey());
            }
        }
        return handed;
    }

    /** How a migration whose libvirt call returned ends this step. */
    private enum End {
        /** Not yet: asked again at the next step. */
        PENDING,
        /** On the target and handed over (or no longer this host's). */
        HANDED,
        /** It runs on here: the engine takes it back. */
        TAKEN_BACK
    }

    private void begin(String g, HostMember.Outcome o, Definitions d, Engine engine, Relocations.Journal journal)
            throws CoordinationException {
        Versioned<GuestRecord> r = o.read().guests().get(g);
        Optional<VmResource> vm = d.vmOfNode(g);
        String target = r.value().target().orElseThrow();
        Optional<String> uri = settings.uriOf().apply(target);
        if (uri.isEmpty() && vm.isPresent()) {
            // a host announces its URI with its first heartbeat after it joined: it is given a moment
            long since = noUriSince.computeIfAbsent(g, k -> System.nanoTime());
            if (System.nanoTime() - since < URI_WAIT.toNanos()) {
                return;
            }
        }
        noUriSince.remove(g);
        if (vm.isEmpty() || uri.isEmpty()) {
            fail(g, r, target, vm.isEmpty() ? "not in this host's definitions" : target
                    + " announces no libvirt URI to migrate to (--migration-uri)", journal);
            return;
        }
        if (!vm.get().connection().allowMigrate()) {
            // remote-allow-migrate=false: the services in it and its connection stop first; its VM migrates alone
            disconnected.add(g);
            Optional<String> no = engine.stopConnection(g);
            if (no.isPresent()) {
                LOG.debug("{}: migration waits: {}", g, no.get());
                return;
            }
        }
        Job job = new Job(target);
        jobs.put(g, job); // first: from here on no start of it passes this host's guard until the job ends
        Optional<String> no = engine.hold(g);
        if (no.isPresent()) {
            jobs.remove(g);
            if (no.get().contains("stays with this host")) {
                fail(g, r, target, no.get(), journal);
            } else {
                LOG.debug("{}: migration waits: {}", g, no.get());
            }
            return;
        }
        LOG.info("{}: migrating live to {} ({})", g, target, uri.get());
        Thread.ofVirtual().name("migrate " + g).start(() -> {
            try {
                domains.migrate(DomainSpecs.of(vm.get()), uri.get(), settings.unsafe(), TIMEOUT);
            } catch (DomainException | RuntimeException e) {
                job.error = e.getMessage();
            } finally {
                holds.at(Holds.Step.BEFORE_HANDOVER, g);
                job.done = true;
                wake.run();
            }
        });
    }

    private End end(String g, Job job, HostMember.Outcome o, Definitions d, Engine engine,
                    Relocations.Journal journal) throws CoordinationException {
        Versioned<GuestRecord> r = o.read().guests().get(g);
        Optional<VmResource> vm = d.vmOfNode(g);
        if (r == null || vm.isEmpty() || !o.held().contains(g)) {
            // no longer this host's (a self-fence destroyed what was here): nothing to hand over
            return job.letGo || engine.stayed(g) ? End.HANDED : End.PENDING;
        }
        DomainState here = domains.monitor(DomainSpecs.of(vm.get()), MONITOR_TIMEOUT);
        long ms = (System.nanoTime() - job.started) / 1_000_000;
        switch (here.status()) {
            case STOPPED -> {
                if (!job.letGo) {
                    Optional<String> no = engine.release(g);
                    if (no.isPresent()) {
                        LOG.debug("{}: migrated, not yet let go: {}", g, no.get());
                        return End.PENDING;
                    }
                    job.letGo = true;
                }
                if (zk.handOver(g, r.version(), r.value().handedTo(job.target))) {
                    LOG.info("{}: migrated live to {} in {} ms; handed over", g, job.target, ms);
                    journal.note(g + ": migrated live from " + zk.host() + " to " + job.target + " in " + ms + " ms"
                            + (vm.get().connection().allowMigrate() ? "" : " (its connection and the services in it "
                            + "restarted: remote-allow-migrate=false)"));
                    return End.HANDED;
                }
                return End.PENDING;
            }
            case RUNNING -> {
                if (here.paused()) {
                    resume(g, vm.get());
                    return End.PENDING;
                }
                if (r.value().phase() == GuestRecord.Phase.MIGRATING) {
                    fail(g, r, job.target, job.error.isEmpty() ? "libvirt reported no error" : job.error, journal);
                }
                return engine.stayed(g) ? End.TAKEN_BACK : End.PENDING;
            }
            default -> {
                return End.PENDING; // libvirt does not say: asked again at the next step
            }
        }
    }

    private void resume(String g, VmResource vm) {
        try {
            domains.resume(DomainSpecs.of(vm), MONITOR_TIMEOUT);
            LOG.warn("{}: resumed here after its migration did not complete", g);
        } catch (DomainException e) {
            LOG.error("{}: paused here after its migration, not resumed: {}", g, e.getMessage());
        }
    }

    /** The migration did not happen: the guest runs on here, and the record says it failed (the target kept). */
    private void fail(String g, Versioned<GuestRecord> r, String target, String why, Relocations.Journal journal)
            throws CoordinationException {
        if (zk.writeRecord(g, r.version(), r.value().migrationFailed(target))) {
            LOG.warn("{}: live migration to {} failed: {}; it runs on here", g, target, why);
            journal.note(g + ": live migration to " + target + " failed: " + why + "; it runs on "
                    + zk.host());
        }
    }
}
