package io.guestnode.operator.cli;

import io.guestnode.operator.definitions.Problem;
import io.guestnode.operator.simulate.CibDocument;
import io.guestnode.operator.simulate.SimulationReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code guestnode simulate}: what guestnode would do with a CIB and its status, in crm_simulate's words. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Reads a whole CIB with its <status> (node states, operation history, fail counts), or with "
                + "--live the running daemon's state, runs the planner until it has nothing more to do with every "
                + "action succeeding, and prints what crm_simulate -S prints: the current cluster status, the "
                + "transition summary and the revised cluster status. Nothing is started or stopped.")
final class SimulateCommand extends DaemonVerb implements Callable<Integer> {
    @Option(names = {"-x", "--xml-file"}, paramLabel = "CIB",
            description = "The CIB (with its status) to simulate.")
    Path xmlFile;

    @Option(names = {"-L", "--live"}, description = "Simulate from the running daemon's state (what it knows runs "
            + "where, its failures, disables and maintenance), at its present time: what it would do from here.")
    boolean live;

    @Option(names = {"-t", "--set-datetime"}, paramLabel = "TIME",
            description = "The time the simulation runs at (ISO 8601, UTC; default: now): failures older than "
                    + "failure-timeout are forgotten then.")
    String datetime;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (live == (xmlFile != null)) {
            err.println("guestnode simulate: give either --xml-file CIB or --live");
            return ExitCodes.USAGE;
        }
        if (live) {
            if (datetime != null) {
                err.println("guestnode simulate: --set-datetime is for --xml-file; --live runs at the daemon's time");
                return ExitCodes.USAGE;
            }
            int rc = ask(Map.of("verb", "simulate"));
            lastReply.path("lines").forEach(l -> out.println(l.asText()));
            return rc;
        }
        Instant now;
        try {
            now = datetime == null ? Instant.now() : parseTime(datetime);
        } catch (DateTimeParseException e) {
            err.println("guestnode simulate: --set-datetime '" + datetime + "' is not a time (e.g. "
                    + "2026-01-01T00:00:00Z or '2026-01-01 00:00:00')");
            return ExitCodes.USAGE;
        }
        CibDocument cib = CibDocument.read(xmlFile);
        cib.problems().stream().filter(Problem::isError).forEach(err::println);
        if (!cib.ok()) {
            return ExitCodes.CONFIG;
        }
        SimulationReport.of(cib, now).text().forEach(out::println);
        return ExitCodes.OK;
    }

    static Instant parseTime(String text) {
        String t = text.trim();
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            return LocalDateTime.parse(t.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
        }
    }
}
