package io.guestnode.operator.cli;

import io.guestnode.agents.coordination.CoordinationException;
import io.guestnode.agents.coordination.Timing;
import io.guestnode.agents.coordination.ZkCoordination;
import io.guestnode.agents.domain.DomainAgent;
import io.guestnode.agents.fencing.DeadlineFile;
import io.guestnode.agents.fencing.ExternalFenceAgent;
import io.guestnode.agents.fencing.HostWatchdog;
import io.guestnode.agents.fencing.LinuxWatchdog;
import io.guestnode.agents.fencing.WatchdogDevice;
import io.guestnode.operator.cluster.ClusterMode;
import io.guestnode.operator.cluster.SharedDefinitions;
import io.guestnode.operator.definitions.DefinitionsLoader;
import io.guestnode.operator.definitions.Definitions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code guestnode run}'s options for several hosts: the ZooKeeper ensemble, the cluster's name, the four times of
 * the safety rule (a profile, each overridable) and the host watchdog.
 */
final class ClusterOptions {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClusterOptions.class);

    @Option(names = "--zookeeper", paramLabel = "HOST:PORT,...", description = "Run as one of several hosts, "
            + "coordinated through this ZooKeeper ensemble (3 or 5 servers). Without it, the host runs alone.")
    String zookeeper;

    @Option(names = "--cluster", paramLabel = "NAME", description = "The cluster's name: its znodes live under "
            + "/guestnode/NAME. Default: default.")
    String cluster = "default";

    @Option(names = "--timing", paramLabel = "PROFILE", description = "default (T 10 s, S 8 s, W 4 s, F 6 s) or "
            + "fast (T 6 s, S 3.5 s, W 3 s, F 3 s). Default: default.")
    String timing = "default";

    @Option(names = "--session-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "T: ZooKeeper's session timeout; a lost host's claims vanish after it.")
    Duration sessionTimeout;

    @Option(names = "--self-fence-after", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "S: without a write acknowledged by a quorum for this long, the host destroys its guests.")
    Duration selfFenceAfter;

    @Option(names = "--watchdog-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "W: the host watchdog resets the host this long after the lease it was last fed ended.")
    Duration watchdogTimeout;

    @Option(names = "--fence-delay", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "F: after a lost host's claims vanished, its guests are recovered elsewhere this much later.")
    Duration fenceDelay;

    @Option(names = "--watchdog", paramLabel = "DEVICE", description = "The host watchdog device, e.g. /dev/watchdog.")
    Path watchdogDevice;

    @Option(names = "--watchdog-file", paramLabel = "PATH", description = "A watchdog that reads a file instead: "
            + "the instant (epoch ms) at which it resets the host is written there.")
    Path watchdogFile;

    @Option(names = "--fence-agent", paramLabel = "PATH", description = "A fence agent of the fence-agents family "
            + "(e.g. /usr/sbin/fence_ipmilan): the leader runs it against a lost host (action=off, plug=HOST on "
            + "standard input); its confirmation is proof of death, so the host's guests start elsewhere without "
            + "waiting the fence delay.")
    Path fenceAgent;

    @Option(names = "--fence-agent-config", paramLabel = "FILE", description = "The fence agent's arguments, one "
            + "name=value a line (ip=, username=, password=, ...), as fence-agents read them on standard input: "
            + "those before the first [HOST] line for every host, then a [HOST] section for each host it may fence "
            + "(a host without one is never fenced).")
    Path fenceAgentConfig;

    @Option(names = "--migration-uri", paramLabel = "URI", description = "The libvirt URI other hosts migrate "
            + "guests to this host by, peer to peer (announced to them). Default: qemu+tls://NODE-NAME/system.")
    String migrationUri;

    @Option(names = "--migration-unsafe", description = "Migrate live although a disk's cache mode is not safe "
            + "for it (libvirt's --unsafe; a test lab's disks on tmpfs only).")
    boolean migrationUnsafe;

    boolean enabled() {
        return zookeeper != null;
    }

    /** The times of the safety rule; the error names every option at fault. */
    Timing timing() {
        Timing p = Timing.profile(timing);
        return new Timing(sessionTimeout != null ? sessionTimeout : p.sessionTimeout(),
                selfFenceAfter != null ? selfFenceAfter : p.selfFenceAfter(),
                watchdogTimeout != null ? watchdogTimeout : p.watchdogTimeout(),
                fenceDelay != null ? fenceDelay : p.fenceDelay()).checked();
    }

    /** The watchdog named; exactly one of the two is required. */
    HostWatchdog watchdog(Duration timeout) throws IOException {
        if ((watchdogDevice == null) == (watchdogFile == null)) {
            throw new IllegalArgumentException("--zookeeper needs exactly one host watchdog: --watchdog DEVICE or "
                    + "--watchdog-file PATH (a host that may hang while it runs guests must be reset)");
        }
        if (watchdogFile != null) {
            return new DeadlineFile(watchdogFile, timeout);
        }
        return new WatchdogDevice(new LinuxWatchdog(watchdogDevice), timeout, System::nanoTime);
    }

    /**
     * Joins the ensemble as {@code host}, takes the cluster's definitions (publishing this host's files when there are
     * none yet; they are kept under {@code stateDir}) and reads what runs here; the daemon then attaches its engine.
     */
    ClusterMode join(String host, DomainAgent domains, DefinitionsLoader loader, DefinitionsLoader.Result local,
                     Path stateDir, Timing t) throws IOException, CoordinationException {
        if (fenceAgentConfig != null && fenceAgent == null) {
            throw new IllegalArgumentException("--fence-agent-config needs --fence-agent");
        }
        String migrateTo = migrationUri(host);
        ExternalFenceAgent agent = fenceAgent == null ? null : ExternalFenceAgent.of(fenceAgent, fenceAgentConfig);
        if (agent != null) {
            agent.fenceable().forEach(h -> LOG.info("a lost {} is fenced with {} ({}: {})", h, fenceAgent,
                    fenceAgentConfig, String.join(", ", agent.argumentNames(h))));
        }
        HostWatchdog w = watchdog(t.watchdogTimeout());
        ZkCoordination zk;
        try {
            zk = new ZkCoordination(zookeeper, root(), host, t);
        } catch (CoordinationException | RuntimeException e) {
            w.close();
            throw e;
        }
        try {
            SharedDefinitions shared = new SharedDefinitions(zk.document("definitions"), loader,
                    stateDir.resolve("cluster-definitions"), host);
            Definitions all = shared.begin(local);
            ClusterMode mode = new ClusterMode(zk, t, domains, w, all, java.util.Optional.of(shared));
            if (agent != null) {
                mode.fenceWith(agent);
            }
            mode.migrateWith(migrateTo, migrationUnsafe);
            return mode;
        } catch (CoordinationException | RuntimeException e) {
            zk.close();
            w.close();
            throw e;
        }
    }

    /** The libvirt URI this host announces for migrations to it; the error names the option. */
    String migrationUri(String host) {
        String uri = migrationUri != null ? migrationUri : "qemu+tls://" + host + "/system";
        if (!uri.matches("[a-z][a-z0-9+]{0,31}://[\\x21-\\x7e]{0,200}")) {
            throw new IllegalArgumentException("--migration-uri '" + uri + "' is not a libvirt URI (e.g. "
                    + "qemu+tls://h1.example.org/system)");
        }
        return uri;
    }

    String root() {
        if (!cluster.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("--cluster '" + cluster + "': letters, digits, '.', '_' and '-' only");
        }
        return "/guestnode/" + cluster;
    }
}
