package io.guestnode.operator.cli;

import io.guestnode.operator.definitions.DefinitionsLoader;
import io.guestnode.operator.definitions.Problem;
import io.guestnode.operator.engine.Engine;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.Overrides;
import io.guestnode.operator.planner.Plan;
import io.guestnode.operator.simulate.CibDocument;
import io.guestnode.operator.simulate.StatusImport;
import io.guestnode.operator.state.StateStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code guestnode adopt}: takes over a Pacemaker guest-node cluster of one node from its CIB ({@code cibadmin -Q}).
 * Pacemaker must be stopped on this host or its cluster in maintenance mode; the CIB's configuration becomes the
 * definitions as it is, the fail counts of its status become guestnode's state. The daemon, started next, finds the
 * domains running in libvirt, connects to their remoted and probes: what runs is adopted, nothing is restarted.
 */
@Command(name = "adopt", mixinStandardHelpOptions = true,
        description = "Takes over a running Pacemaker guest-node cluster (one cluster node) from its CIB with status "
                + "(cibadmin -Q > cib.xml), with Pacemaker stopped or its cluster in maintenance mode: writes the "
                + "CIB's configuration as guestnode's definitions and its fail counts as guestnode's state. Nothing "
                + "is started or stopped; guestnode run, started next, adopts what runs.")
final class AdoptCommand implements Callable<Integer> {
    static final String DEFINITIONS_FILE = "pacemaker-cib.xml";

    @Spec
    CommandSpec spec;

    @Option(names = "--cib", required = true, paramLabel = "CIB", description = "Pacemaker's CIB with its status.")
    Path cibFile;

    @Option(names = "--definitions", paramLabel = "DIR",
            description = "Where the definitions go (as " + DEFINITIONS_FILE + "). Default: /etc/guestnode/guests.d.")
    Path definitions = CheckCommand.DEFAULT_DEFINITIONS;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "guestnode's state. Default: /var/lib/guestnode.")
    Path stateDir = Path.of("/var/lib/guestnode");

    @Option(names = "--node-name", paramLabel = "NAME",
            description = "This host's node name; it must be the CIB's cluster node (default: the CIB's).")
    String nodeName;

    /** Where Pacemaker's daemons are looked for: /proc, or another root in tests. */
    Path proc = Path.of("/proc");

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CibDocument cib = CibDocument.read(cibFile);
        cib.problems().stream().filter(Problem::isError).forEach(err::println);
        if (!cib.ok()) {
            return ExitCodes.CONFIG;
        }
        Optional<String> refusal = refusal(cib);
        if (refusal.isPresent()) {
            err.println("guestnode adopt: " + refusal.get() + "; nothing was written");
            return ExitCodes.PROBLEM;
        }
        String host = cib.definitions().hostNode();
        // with what the definitions directory holds already: run loads them together
        List<Path> together = Files.isDirectory(definitions) ? List.of(definitions, cibFile) : List.of(cibFile);
        DefinitionsLoader.Result drive = new DefinitionsLoader(host, DefinitionsLoader.Purpose.DRIVE).load(together);
        if (!drive.ok()) {
            drive.problems().stream().filter(Problem::isError).forEach(err::println);
            err.println("guestnode adopt: " + cibFile + " has what guestnode cannot drive, alone or with the "
                    + "definitions in " + definitions + "; nothing was written");
            return ExitCodes.CONFIG;
        }
        Instant now = Instant.now();
        StatusImport.Imported imported = StatusImport.read(cib.definitions(), cib.status(), now);
        try {
            write(cib, imported, now);
        } catch (IOException e) {
            err.println("guestnode adopt: cannot write " + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "; nothing was written");
            return ExitCodes.PROBLEM;
        }
        report(out, cib, imported, host);
        return ExitCodes.OK;
    }

    /** Why the CIB may not be adopted now: Pacemaker manages it, another node is named, or something is there. */
    private Optional<String> refusal(CibDocument cib) {
        Optional<String> running = PacemakerProcesses.running(proc);
        if (running.isPresent() && !cib.maintenance()) {
            return Optional.of("Pacemaker runs on this host (" + running.get() + ") and the cluster of " + cibFile
                    + " is not in maintenance mode (crm_config maintenance-mode): put it in maintenance mode "
                    + "(crm_attribute -n maintenance-mode -v true) or stop Pacemaker first");
        }
        String host = cib.definitions().hostNode();
        if (nodeName != null && !nodeName.equals(host)) {
            return Optional.of("--node-name " + nodeName + " is not the CIB's cluster node " + host);
        }
        for (Path d : List.of(definitions, stateDir)) {
            if (Files.exists(d) && !Files.isDirectory(d)) {
                return Optional.of(d + " is not a directory");
            }
        }
        if (Files.exists(definitions.resolve(DEFINITIONS_FILE))) {
            return Optional.of(definitions.resolve(DEFINITIONS_FILE) + " exists already");
        }
        if (Files.exists(stateDir.resolve("state.json"))) {
            return Optional.of(stateDir.resolve("state.json") + " exists already: this host has a guestnode state");
        }
        return Optional.empty();
    }

    /** The CIB as the definitions (its status is not read there); its fail counts as the state. */
    private void write(CibDocument cib, StatusImport.Imported imported, Instant now) throws IOException {
        ObservedState.Mutable m = ObservedState.EMPTY.edit();
        imported.state().failures().forEach(m.failures::put);
        Engine.Journal.Entry adopted = new Engine.Journal.Entry(now, "adopted from Pacemaker's CIB " + cibFile
                + " (" + imported.state().failures().size() + " fail counts)");
        Path written = definitions.resolve(DEFINITIONS_FILE);
        Files.createDirectories(definitions);
        Path tmp = definitions.resolve(DEFINITIONS_FILE + ".tmp");
        Files.copy(cibFile, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true); // durable before the state that goes with it
        }
        Files.move(tmp, written, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        try {
            Files.createDirectories(stateDir);
            new StateStore(stateDir).save(new Engine.Snapshot(cib.definitions(), m.done(), Overrides.NONE,
                    new Plan(List.of(), Optional.empty(), Map.of()), List.of(adopted), now, 0));
        } catch (IOException | RuntimeException e) {
            // all or nothing: neither existed before (refusal() checked)
            Files.deleteIfExists(written);
            Files.deleteIfExists(stateDir.resolve("state.json"));
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    private void report(PrintWriter out, CibDocument cib, StatusImport.Imported imported, String host) {
        out.println("adopted " + cibFile + ": " + cib.definitions().vms().size() + " guest nodes, "
                + cib.definitions().services().size() + " services; definitions " + definitions.resolve(
                DEFINITIONS_FILE) + ", state " + stateDir.resolve("state.json"));
        out.println("running, as the CIB's status says (guestnode verifies each when it starts):");
        imported.placed().stream().filter(p -> !cib.definitions().guestNodes().contains(p.resource()))
                .forEach(p -> out.println("  " + p.resource() + " on " + p.node() + (p.failed() ? " (FAILED)" : "")));
        out.println("next: guestnode run --definitions " + definitions + " --state-dir " + stateDir
                + " --node-name " + host);
        PacemakerProcesses.running(proc).ifPresent(p -> out.println("Pacemaker still runs on this host (" + p
                + "): stop it before guestnode runs; its cluster, out of maintenance mode, would manage the same "
                + "guests"));
    }
}
