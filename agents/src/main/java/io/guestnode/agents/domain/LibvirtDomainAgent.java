package io.guestnode.agents.domain;

import static io.guestnode.agents.domain.LibvirtDomains.free;
import static io.guestnode.agents.domain.LibvirtDomains.ifRunning;
import static io.guestnode.agents.domain.LibvirtDomains.lookup;

import io.guestnode.agents.domain.DomainException.Kind;
import io.guestnode.agents.domain.LibvirtDomains.ShutdownAnswer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The domain agent over libvirt-java. One connection per hypervisor URI, opened lazily and reopened after
 * libvirtd goes away ({@link LibvirtConnections}); libvirt's event loop on its own platform thread; every libvirt
 * call on a bounded pool of platform threads (libvirt's error state is per thread) with a deadline; domain handles
 * freed after each use ({@link LibvirtDomains}).
 */
public final class LibvirtDomainAgent implements DomainAgent {
    private static final Logger LOG = LoggerFactory.getLogger(LibvirtDomainAgent.class);
    private static final long POLL_MS = 50;
    private static final Duration GRACE_MARGIN = Duration.ofSeconds(5);
    private static final int SHUTDOWN_STATE_FAILURES_BEFORE_DESTROY = 3;

    private final ThreadPoolExecutor calls;
    private final CallClock callClock = new CallClock();
    /**
     * Fences (destroy and the checks that verify it) run here, a thread each, never queued behind the bounded pool:
     * calls stuck on other domains (a libvirtd hung on one domain's job) must not delay another guest's fence.
     */
    private final ExecutorService fenceCalls = Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().daemon().name("libvirt-fence-", 0).factory());
    private final LibvirtConnections connections;
    private final EmulatorProcesses processes;
    private volatile boolean closed;

    @FunctionalInterface
    private interface LibvirtCall<T> {
        T apply(Connect c) throws LibvirtException;
    }

    public LibvirtDomainAgent() {
        this(8, Clock.systemUTC(), Path.of("/proc"));
    }

    public LibvirtDomainAgent(int maxConcurrentCalls, Clock clock, Path procRoot) {
        this.calls = new ThreadPoolExecutor(maxConcurrentCalls, maxConcurrentCalls, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), Thread.ofPlatform().daemon().name("libvirt-call-", 0).factory());
        this.calls.allowCoreThreadTimeOut(true);
        this.connections = new LibvirtConnections(calls, clock);
        this.processes = new EmulatorProcesses(procRoot);
    }

    @Override
    public void addListener(DomainEventListener listener) {
        connections.addListener(listener);
    }

    // ---------------------------------------------------------------- actions

    @Override
    public DomainState start(DomainSpec spec, Duration timeout) throws DomainException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String how = call(spec, "start", remaining(deadline), c -> {
            Domain d = lookup(c, spec.name());
            String xml = spec.configXml();
            try {
                if (d != null && d.isActive() == 1) {
                    return "already running";
                }
                if (d != null) {
                    xml = LibvirtDomains.withUuid(xml, d.getUUIDString());
                }
            } finally {
                free(d);
            }
            Domain defined;
            try {
                defined = c.domainDefineXML(xml);
            } catch (LibvirtException e) {
                throw new ConfigRejected(e);
            }
            try {
                defined.create();
            } finally {
                free(defined);
            }
            return "started";
        });
        while (true) {
            DomainState s = state(spec, remaining(deadline));
            if (s.isRunning()) {
                LOG.info("{}: domain {} ({})", spec.name(), how, spec.hypervisorUri());
                return s;
            }
            if (System.nanoTime() >= deadline) {
                throw new DomainException(Kind.TIMEOUT, spec.name() + ": not running within " + timeout.toMillis()
                        + " ms of its start (" + s.detail() + ")", null);
            }
            sleep(POLL_MS);
        }
    }

    @Override
    public StopResult stop(DomainSpec spec, Duration timeout) throws DomainException {
        if (spec.forceStop()) {
            return destroy(spec, timeout);
        }
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        long graceEnd = t0 + Math.max(0, timeout.minus(GRACE_MARGIN).toNanos());
        ShutdownAnswer answer = askShutdown(spec, graceEnd, deadline);
        if (answer == ShutdownAnswer.NOT_RUNNING) {
            return new StopResult("already stopped", Duration.ofNanos(System.nanoTime() - t0));
        }
        int failures = 0;
        while (answer == ShutdownAnswer.ASKED && System.nanoTime() < graceEnd
                && failures < SHUTDOWN_STATE_FAILURES_BEFORE_DESTROY) {
            try {
                if (!state(spec, remaining(deadline)).isRunning()) {
                    LOG.info("{}: domain shut down gracefully", spec.name());
                    return new StopResult("shut down", Duration.ofNanos(System.nanoTime() - t0));
                }
            } catch (DomainException e) {
                failures++;
            }
            sleep(POLL_MS * 2);
        }
        LOG.warn("{}: graceful shutdown {} in {} ms; destroying", spec.name(),
                answer == ShutdownAnswer.ASKED ? "did not finish" : "was not accepted",
                Duration.ofNanos(graceEnd - t0).toMillis());
        destroy(spec, Duration.ofNanos(Math.max(remaining(deadline).toNanos(), 1_000_000_000L)));
        return new StopResult("destroyed after graceful shutdown timed out", Duration.ofNanos(System.nanoTime() - t0));
    }

    /**
     * Asks for the shutdown again every 100 ms while libvirt refuses it and the domain runs, until the grace period
     * ends or asking failed a few times (the domain is then destroyed, as when it does not shut down).
     */
    private ShutdownAnswer askShutdown(DomainSpec spec, long graceEnd, long deadline) throws DomainException {
        ShutdownAnswer answer = call(spec, "shutdown", remaining(deadline), c -> LibvirtDomains.askShutdown(c, spec));
        if (answer == ShutdownAnswer.REFUSED_WHILE_RUNNING) {
            LOG.info("{}: libvirt refused the shutdown while the domain runs; asking again", spec.name());
        }
        int failures = 0;
        while (answer == ShutdownAnswer.REFUSED_WHILE_RUNNING && System.nanoTime() < graceEnd
                && failures < SHUTDOWN_STATE_FAILURES_BEFORE_DESTROY) {
            sleep(POLL_MS * 2);
            try {
                answer = call(spec, "shutdown", remaining(deadline), c -> LibvirtDomains.askShutdown(c, spec));
            } catch (DomainException e) {
                failures++;
            }
        }
        return answer;
    }

    @Override
    public StopResult destroy(DomainSpec spec, Duration timeout) throws DomainException {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        boolean destroyed = call(fenceCalls, spec, "destroy", remaining(deadline), c -> ifRunning(c, spec, d -> {
            d.destroy();
            return true;
        }));
        while (true) {
            DomainState s = state(fenceCalls, spec, remaining(deadline));
            if (!s.isRunning()) {
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                if (destroyed) {
                    LOG.info("{}: domain destroyed in {} ms", spec.name(), took.toMillis());
                }
                return new StopResult(destroyed ? "destroyed" : "already stopped", took);
            }
            if (System.nanoTime() >= deadline) {
                throw new DomainException(Kind.TIMEOUT, spec.name() + ": still running " + timeout.toMillis()
                        + " ms after destroy", null);
            }
            sleep(POLL_MS);
        }
    }

    /** libvirt's VIR_MIGRATE_* flags this agent uses. */
    static final long MIGRATE_LIVE = 1;
    static final long MIGRATE_PEER2PEER = 2;
    static final long MIGRATE_PERSIST_DEST = 8;
    static final long MIGRATE_UNDEFINE_SOURCE = 16;
    static final long MIGRATE_PAUSED = 32;
    static final long MIGRATE_UNSAFE = 512;

    @Override
    public void migrate(DomainSpec spec, String destinationUri, boolean unsafe, Duration timeout)
            throws DomainException {
        long flags = MIGRATE_LIVE | MIGRATE_PEER2PEER | MIGRATE_PERSIST_DEST | MIGRATE_UNDEFINE_SOURCE | MIGRATE_PAUSED
                | (unsafe ? MIGRATE_UNSAFE : 0);
        long t0 = System.nanoTime();
        try {
            // a thread of its own: a migration takes seconds, never a slot of the bounded pool
            call(fenceCalls, spec, "migrate to " + destinationUri, timeout, c -> {
                Domain d = lookup(c, spec.name());
                if (d == null) {
                    throw new LibvirtDomains.CallFailed("not defined here");
                }
                try {
                    return d.migrateToURI(destinationUri, flags, null, 0);
                } finally {
                    free(d);
                }
            });
            LOG.info("{}: migrated live to {} in {} ms (paused there)", spec.name(), destinationUri,
                    (System.nanoTime() - t0) / 1_000_000);
        } catch (DomainException e) {
            if (e.kind() == Kind.TIMEOUT) {
                abortJob(spec);
            }
            throw e;
        }
    }

    /** Aborts the domain's running job (a migration that outlived its timeout); libvirt then resumes it here. */
    private void abortJob(DomainSpec spec) {
        try {
            call(fenceCalls, spec, "abort job", Duration.ofSeconds(10), c -> {
                Domain d = lookup(c, spec.name());
                try {
                    if (d != null) {
                        d.abortJob();
                    }
                    return null;
                } finally {
                    free(d);
                }
            });
        } catch (DomainException e) {
            LOG.warn("{}: migration job not aborted: {}", spec.name(), e.getMessage());
        }
    }

    @Override
    public DomainState resume(DomainSpec spec, Duration timeout) throws DomainException {
        long deadline = System.nanoTime() + timeout.toNanos();
        call(spec, "resume", remaining(deadline), c -> {
            Domain d = lookup(c, spec.name());
            if (d == null) {
                throw new LibvirtDomains.CallFailed("not defined here");
            }
            try {
                if (d.getInfo().state == DomainInfo.DomainState.VIR_DOMAIN_PAUSED) {
                    d.resume();
                }
                return null;
            } finally {
                free(d);
            }
        });
        return state(spec, remaining(deadline));
    }

    @Override
    public DomainState monitor(DomainSpec spec, Duration timeout) {
        try {
            return state(spec, timeout);
        } catch (DomainException e) {
            return fallback(spec, e);
        }
    }

    /**
     * libvirt gave no answer: a running emulator process proves the domain runs; no process proves nothing (only
     * libvirt, or a destroy it confirmed, says STOPPED), so the answer is then UNKNOWN.
     */
    private DomainState fallback(DomainSpec spec, DomainException cause) {
        try {
            OptionalLong pid = processes.find(spec.name());
            if (pid.isPresent()) {
                return new DomainState(DomainState.Status.RUNNING, false, "emulator process " + pid.getAsLong(),
                        "libvirt: " + cause.getMessage());
            }
            return new DomainState(DomainState.Status.UNKNOWN, false, "no emulator process found",
                    "libvirt: " + cause.getMessage());
        } catch (IOException | RuntimeException e) {
            return new DomainState(DomainState.Status.UNKNOWN, false, "none", "libvirt: " + cause.getMessage()
                    + "; process table: " + e.getMessage());
        }
    }

    private DomainState state(DomainSpec spec, Duration timeout) throws DomainException {
        return state(calls, spec, timeout);
    }

    private DomainState state(ExecutorService on, DomainSpec spec, Duration timeout) throws DomainException {
        return call(on, spec, "status", timeout, c -> {
            Domain d = lookup(c, spec.name());
            if (d == null) {
                return DomainState.stopped("not defined");
            }
            try {
                DomainInfo.DomainState s = d.getInfo().state;
                return switch (s) {
                    case VIR_DOMAIN_RUNNING, VIR_DOMAIN_BLOCKED, VIR_DOMAIN_NOSTATE, VIR_DOMAIN_SHUTDOWN,
                         VIR_DOMAIN_PMSUSPENDED -> DomainState.running(describe(s));
                    case VIR_DOMAIN_PAUSED -> new DomainState(DomainState.Status.RUNNING, true, "libvirt", "paused");
                    case VIR_DOMAIN_SHUTOFF -> DomainState.stopped(shutOff(NativeDomainCalls.shutoffReason(d)));
                    case VIR_DOMAIN_CRASHED -> new DomainState(DomainState.Status.FAILED, false, "libvirt", "crashed");
                };
            } finally {
                free(d);
            }
        });
    }

    /** "shut off", with libvirt's reason in its lifecycle events' words when it gives one. */
    static String shutOff(String reason) {
        return reason.isEmpty() ? "shut off" : "shut off: " + reason;
    }

    private static String describe(DomainInfo.DomainState s) {
        return s.name().substring("VIR_DOMAIN_".length()).toLowerCase().replace('_', ' ');
    }

    // ---------------------------------------------------------------- calls

    /** Thrown inside a call when libvirt rejects the domain XML. */
    private static final class ConfigRejected extends RuntimeException {
        ConfigRejected(LibvirtException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private <T> T call(DomainSpec spec, String what, Duration timeout, LibvirtCall<T> fn) throws DomainException {
        return call(calls, spec, what, timeout, fn);
    }

    private <T> T call(ExecutorService on, DomainSpec spec, String what, Duration timeout, LibvirtCall<T> fn)
            throws DomainException {
        if (closed) {
            throw new DomainException(Kind.UNAVAILABLE, "domain agent closed", null);
        }
        LibvirtConnections.Link link = connections.link(spec.hypervisorUri());
        try {
            return callClock.run(on, () -> connections.call(link, fn::apply, LibvirtDomains::isConnectionError),
                    timeout);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new DomainException(Kind.UNAVAILABLE, "domain agent closed", e);
        } catch (CallClock.Late e) {
            throw new DomainException(e.overload ? Kind.OVERLOAD : Kind.TIMEOUT, spec.name() + ": " + what + " on "
                    + spec.hypervisorUri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DomainException(Kind.TIMEOUT, spec.name() + ": " + what + " interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof LibvirtDomains.CallFailed cf) {
                throw new DomainException(Kind.LIBVIRT_ERROR, spec.name() + ": " + cf.getMessage(), cf);
            }
            if (c instanceof ConfigRejected cr) {
                throw new DomainException(Kind.INVALID_CONFIG, spec.name() + ": libvirt rejects the domain XML: "
                        + cr.getMessage(), cr.getCause());
            }
            if (c instanceof LibvirtException le) {
                boolean gone = LibvirtDomains.isConnectionError(le);
                throw new DomainException(gone ? Kind.UNAVAILABLE : Kind.LIBVIRT_ERROR, spec.name() + ": " + what
                        + " on " + spec.hypervisorUri() + ": " + le.getMessage(), le);
            }
            throw new DomainException(Kind.LIBVIRT_ERROR, spec.name() + ": " + what + ": " + c, c);
        }
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime()));
    }

    private static void sleep(long ms) throws DomainException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DomainException(Kind.TIMEOUT, "interrupted", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        connections.close();
        calls.shutdown();
        fenceCalls.shutdown();
        connections.stopDispatch();
    }
}
