package io.guestnode.operator.cli;

import io.guestnode.agents.coordination.CoordinationException;
import io.guestnode.agents.coordination.Timing;
import io.guestnode.agents.domain.LibvirtDomainAgent;
import io.guestnode.agents.remote.ClientWarmup;
import io.guestnode.agents.remote.RemoteExecutorClient;
import io.guestnode.agents.remote.tls.AuthKey;
import io.guestnode.agents.remote.tls.KeyFileException;
import io.guestnode.agents.supervision.ServiceManager;
import io.guestnode.operator.alerts.AlertSender;
import io.guestnode.operator.api.ClusterVerbs;
import io.guestnode.operator.engine.Supervision;
import io.guestnode.operator.metrics.Metrics;
import io.guestnode.operator.metrics.MetricsEndpoint;
import io.guestnode.operator.api.ControlServer;
import io.guestnode.operator.cluster.ClusterMode;
import io.guestnode.operator.definitions.DefinitionsLoader;
import io.guestnode.operator.definitions.Problem;
import io.guestnode.operator.engine.Engine;
import io.guestnode.operator.engine.MemoryReturner;
import io.guestnode.operator.engine.GuestKeys;
import io.guestnode.operator.engine.KeySource;
import io.guestnode.operator.planner.HostPolicy;
import io.guestnode.operator.state.StateDirLock;
import io.guestnode.operator.state.StateStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code guestnode run}: the daemon, in the foreground. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs the daemon in the foreground: starts, watches, fences and recovers the guest nodes the "
                + "definitions declare. Stopping it leaves guests and services running; it adopts them on its next "
                + "start. SIGHUP or a change to the definitions reloads them (an invalid change is reported and the "
                + "running configuration stays).")
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("guestnode");

    @Spec
    CommandSpec spec;

    @Option(names = "--definitions", paramLabel = "PATH", description = "Definitions (file or directory). "
            + "Default: /etc/guestnode/guests.d.")
    List<Path> definitions = List.of(CheckCommand.DEFAULT_DEFINITIONS);

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Default: /var/lib/guestnode.")
    Path stateDir = Path.of("/var/lib/guestnode");

    @Option(names = "--socket", paramLabel = "PATH", description = "Default: /run/guestnode/guestnode.sock.")
    Path socket = ControlClient.DEFAULT_SOCKET;

    @Option(names = "--node-name", paramLabel = "NAME", description = "The host's node name (default: uname -n).")
    String nodeName;

    @Option(names = "--key", paramLabel = "FILE", description = "Pacemaker Remote key. Default: "
            + "$PCMK_authkey_location, else /etc/pacemaker/authkey, else /etc/corosync/authkey.")
    Path keyFile;

    @Option(names = "--fence-limit", paramLabel = "N/DURATION", description = "At most N fences begin within "
            + "DURATION; more wait their turn and are reported. Default: 10/60s.")
    String fenceLimit = "10/60s";

    @Option(names = "--metrics-address", paramLabel = "HOST:PORT", description = "Where Prometheus scrapes the "
            + "metrics (http://HOST:PORT/metrics), or 'none'. Default: 127.0.0.1:9664 (loopback).")
    String metricsAddress = MetricsEndpoint.DEFAULT;

    @Option(names = "--node-action-limit", paramLabel = "N", description = "At most N starts and stops of domains "
            + "at once; more wait for a slot (fences never do). Default: twice the host's cores.")
    Integer nodeActionLimit;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Timing timing = null;
        if (cluster.enabled()) {
            try {
                timing = cluster.timing();
                cluster.root();
            } catch (IllegalArgumentException e) {
                err.println("guestnode run: " + e.getMessage());
                return ExitCodes.USAGE;
            }
        }
        HostPolicy policy;
        try {
            policy = HostPolicy.parseFenceLimit(fenceLimit).withNodeActionLimit(nodeActionLimit != null
                    ? nodeActionLimit : HostPolicy.nodeActionLimitFor(Runtime.getRuntime().availableProcessors()));
        } catch (IllegalArgumentException e) {
            err.println("guestnode run: " + (e.getMessage().contains("node action") ? "--node-action-limit: "
                    : "--fence-limit: ") + e.getMessage());
            return ExitCodes.USAGE;
        }
        Optional<java.net.InetSocketAddress> metricsAt;
        try {
            metricsAt = MetricsEndpoint.parse(metricsAddress);
        } catch (IllegalArgumentException e) {
            err.println("guestnode run: --metrics-address: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        String host = nodeName != null ? nodeName : DefinitionsLoader.defaultHostNode();
        DefinitionsLoader loader = new DefinitionsLoader(host);
        DefinitionsLoader.Result r = loader.load(definitions);
        for (Problem p : r.problems()) {
            err.println(p);
        }
        if (!r.ok()) {
            err.println("guestnode run: " + r.errors() + " error(s) in the definitions; not starting");
            return ExitCodes.CONFIG;
        }
        AuthKey key;
        try {
            key = keyFile != null ? AuthKey.load(keyFile) : AuthKey.locate(System.getenv());
        } catch (KeyFileException e) {
            err.println("guestnode run: " + e.getMessage());
            return ExitCodes.NO_INPUT;
        }
        if (Files.exists(socket) && socketAnswers()) {
            err.println("guestnode run: another guestnode answers on " + socket);
            return ExitCodes.PROBLEM;
        }
        StateDirLock lock;
        try {
            lock = StateDirLock.acquire(stateDir);
        } catch (StateDirLock.InUse e) {
            err.println("guestnode run: " + e.getMessage());
            return ExitCodes.PROBLEM;
        }
        StateStore store = new StateStore(stateDir);
        StateStore.Loaded loaded = store.load();
        List<Engine.Journal.Entry> journal = new java.util.ArrayList<>(loaded.journal());
        loaded.problem().ifPresent(p -> {
            err.println("guestnode run: " + p);
            journal.add(new Engine.Journal.Entry(java.time.Instant.now(), p));
        });
        LibvirtDomainAgent domains = new LibvirtDomainAgent();
        ClusterMode several = null;
        if (timing != null) {
            try {
                several = cluster.join(host, domains, loader, r, stateDir, timing);
            } catch (IOException | CoordinationException | IllegalArgumentException e) {
                err.println("guestnode run: " + e.getMessage());
                domains.close();
                lock.close();
                return ExitCodes.PROBLEM;
            }
            LOG.info("one of several hosts ({}; {})", cluster.zookeeper, timing.describe());
        }
        ClusterMode clusterMode = several;
        Engine engine = new Engine(several != null ? several.initialShare() : r.definitions(), loaded.state(),
                loaded.overrides(), journal, several != null ? several.guard() : domains,
                new GuestKeys(new KeySource(key), stateDir.resolve("keys")), Clock.systemUTC(), store::save, policy);
        if (several != null) {
            several.attach(engine);
        }
        Metrics metrics = new Metrics(engine::snapshot, new VersionProvider().getVersion()[0], host);
        AlertSender alerts = new AlertSender(r.alerts(), host, new VersionProvider().getVersion()[0]);
        engine.listen(io.guestnode.operator.engine.EngineListener.all(metrics, alerts));
        java.util.function.Supplier<io.guestnode.operator.api.ClusterView> clusterView = several != null
                ? several::view : () -> null;
        java.util.function.Supplier<String> statusPage = () -> engine.snapshot() == null ? "guestnode is starting"
                : CrmMonHtml.of(io.guestnode.operator.api.StatusView.of(engine.snapshot(), 0)
                .withCluster(clusterView.get()), new VersionProvider().getVersion()[0], 5);
        Optional<MetricsEndpoint> metricsEndpoint = metricsAt.flatMap(a -> MetricsEndpoint.start(a, metrics,
                statusPage));
        Object reloadLock = new Object();
        java.util.function.Supplier<io.guestnode.operator.api.Refusal> reload = () -> {
            synchronized (reloadLock) {
                DefinitionsLoader.Result nr = loader.load(definitions);
                if (nr.ok()) {
                    alerts.alerts(nr.alerts());
                }
                if (!nr.ok()) {
                    nr.problems().forEach(p -> LOG.error("reload rejected: {}", p));
                    return io.guestnode.operator.api.Refusal.invalidConfiguration("invalid definitions, the running "
                            + "configuration stays: " + nr.problems().stream().filter(Problem::isError).findFirst()
                            .map(Problem::toString).orElse(""));
                }
                if (clusterMode != null) {
                    String why = clusterMode.reload(nr);
                    if (why != null) {
                        LOG.error("reload: {}", why);
                        return io.guestnode.operator.api.Refusal.refused(why);
                    }
                    LOG.info("definitions reloaded: {} guest nodes, {} services, for every host of the cluster",
                            nr.definitions().vms().size(), nr.definitions().services().size());
                    return null;
                }
                boolean changed;
                try {
                    changed = engine.call(e -> e.replaceDefinitions(nr.definitions()));
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return io.guestnode.operator.api.Refusal.refused("interrupted");
                } catch (IllegalArgumentException | IllegalStateException ex) {
                    LOG.error("reload rejected: {}", ex.getMessage());
                    return io.guestnode.operator.api.Refusal.invalidConfiguration("the running configuration stays: "
                            + ex.getMessage());
                }
                if (changed) {
                    LOG.info("definitions reloaded: {} guest nodes, {} services", nr.definitions().vms().size(),
                            nr.definitions().services().size());
                } else {
                    LOG.debug("definitions unchanged");
                }
                return null;
            }
        };
        ControlServer control;
        try {
            control = new ControlServer(socket, engine, reload, clusterView,
                    several != null ? several.verbs() : ClusterVerbs.NONE);
        } catch (IOException e) {
            err.println("guestnode run: cannot open the control socket " + socket + ": " + e.getMessage());
            if (several != null) {
                several.close();
            }
            engine.close();
            domains.close();
            lock.close();
            return ExitCodes.PROBLEM;
        }
        LOG.info("guestnode started on {}: {} guest nodes, {} services; key {} (sha256:{}); control socket {}", host,
                r.definitions().vms().size(), r.definitions().services().size(), key.path(), key.fingerprint(), socket);
        Thread.ofVirtual().name("client-warmup").start(RunCommand::warmUpClient);
        CountDownLatch stop = new CountDownLatch(1);
        installSignals(stop, reload);
        Thread watcher = Thread.ofVirtual().name("definitions-watch").start(() -> watch(reload));
        MemoryReturner memory = new MemoryReturner();
        Supervision supervision = Supervision.start(ServiceManager.fromEnvironment(System.getenv()), engine,
                System.getenv());
        stop.await();
        supervision.close();
        metricsEndpoint.ifPresent(MetricsEndpoint::close);
        alerts.close();
        memory.close();
        LOG.info("guestnode stopping; guests and services keep running");
        watcher.interrupt();
        control.close();
        if (several != null) {
            several.close(); // a planned stop: its guests are frozen, the watchdog disarmed
        }
        engine.close();
        domains.close();
        lock.close();
        return ExitCodes.OK;
    }

    /** The first connection to a guest then costs what any other does (see {@link ClientWarmup}). */
    private static void warmUpClient() {
        try (RemoteExecutorClient client = new RemoteExecutorClient()) {
            var r = ClientWarmup.run(client);
            LOG.debug("client warmed up: handshake {} ms, register {} ms", r.handshakeNanos() / 1_000_000,
                    r.registerNanos() / 1_000_000);
        } catch (IOException e) {
            LOG.warn("client warm-up on the loopback address failed ({}); the first guest connection is slower",
                    e.getMessage());
        }
    }

    private boolean socketAnswers() {
        try {
            ControlClient.request(socket, java.util.Map.of("verb", "status"));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @SuppressWarnings("restriction")
    private static void installSignals(CountDownLatch stop, java.util.function.Supplier<io.guestnode.operator.api.Refusal> reload) {
        for (String s : List.of("TERM", "INT")) {
            sun.misc.Signal.handle(new sun.misc.Signal(s), sig -> stop.countDown());
        }
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> Thread.ofVirtual().start(() -> {
            LOG.info("SIGHUP: reloading the definitions");
            io.guestnode.operator.api.Refusal problem = reload.get();
            if (problem != null) {
                LOG.error(problem.message());
            }
        }));
    }

    /**
     * Reloads when a definitions file changes (debounced), as a SIGHUP would. Only the files the definitions are read
     * from count: the named files, and {@code *.xml} in a named directory; logs, editor files and anything else
     * written next to them do not. A reload whose result equals the running definitions changes nothing.
     */
    private void watch(java.util.function.Supplier<io.guestnode.operator.api.Refusal> reload) {
        Set<Path> dirs = new LinkedHashSet<>();
        Set<Path> defDirs = new LinkedHashSet<>();
        Set<Path> files = new LinkedHashSet<>();
        for (Path p : definitions) {
            Path abs = p.toAbsolutePath().normalize();
            if (Files.isDirectory(abs)) {
                dirs.add(abs);
                defDirs.add(abs);
            } else {
                files.add(abs);
                dirs.add(abs.getParent());
            }
        }
        try (WatchService ws = definitions.get(0).toAbsolutePath().getFileSystem().newWatchService()) {
            for (Path d : dirs) {
                d.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
            while (true) {
                boolean relevant = relevant(ws.take(), files, defDirs);
                if (!relevant) {
                    continue;
                }
                Thread.sleep(300);
                for (var more = ws.poll(); more != null; more = ws.poll()) {
                    relevant(more, files, defDirs);
                }
                io.guestnode.operator.api.Refusal problem = reload.get();
                if (problem != null) {
                    LOG.error(problem.message());
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warn("cannot watch the definitions for changes ({}); SIGHUP still reloads", e.getMessage());
        }
    }

    /** Drains a watch key; whether any of its events touched a definitions file. */
    private static boolean relevant(java.nio.file.WatchKey key, Set<Path> files, Set<Path> defDirs) {
        Path dir = (Path) key.watchable();
        boolean any = false;
        for (var ev : key.pollEvents()) {
            if (ev.kind() == StandardWatchEventKinds.OVERFLOW) {
                any = true;
            } else if (ev.context() instanceof Path name) {
                any |= isDefinitionsFile(dir.resolve(name), files, defDirs);
            }
        }
        key.reset();
        return any;
    }

    /** A named definitions file, or an XML file in a named definitions directory (what the loader reads). */
    static boolean isDefinitionsFile(Path file, Set<Path> files, Set<Path> defDirs) {
        return files.contains(file) || defDirs.contains(file.getParent()) && file.getFileName().toString().endsWith(".xml");
    }
}
