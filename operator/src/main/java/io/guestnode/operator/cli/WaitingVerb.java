package io.guestnode.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import picocli.CommandLine.Option;

/**
 * A verb that changes something, with {@code --wait[=DURATION]} (crm_resource's): it returns only once the daemon's
 * status shows the change done, or exits 124 when DURATION runs out.
 */
abstract class WaitingVerb extends DaemonVerb {
    private static final Duration POLL = Duration.ofMillis(250);

    @Option(names = "--wait", arity = "0..1", fallbackValue = "5min", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Return only when done (at most DURATION, default 5min when given without one); "
                    + "exit 124 when it runs out.")
    Duration wait;

    /** When the request was sent: journal lines from then on are its effects. */
    Instant sent = Instant.EPOCH;
    /** How many journal lines each status asked while waiting carries: none unless the verb reads them. */
    int journalLines;

    /** Sends the request, then, when asked to, waits until the daemon's status satisfies {@code done}. */
    int sendAndWait(Map<String, Object> request, String what, Predicate<JsonNode> done) {
        sent = Instant.now();
        int rc = send(request);
        if (rc != ExitCodes.OK || wait == null) {
            return rc;
        }
        return await(what, done);
    }

    /** Waits until the daemon's status satisfies {@code done}: 0, or 124 when {@link #wait} runs out. */
    int await(String what, Predicate<JsonNode> done) {
        PrintWriter err = spec.commandLine().getErr();
        long end = System.nanoTime() + (wait == null ? Duration.ofMinutes(5) : wait).toNanos();
        try {
            while (true) {
                JsonNode status = ControlClient.request(socket, Map.of("verb", "status", "journal", journalLines))
                        .path("status");
                if (!status.isMissingNode() && done.test(status)) {
                    spec.commandLine().getOut().println(what + ": done");
                    return ExitCodes.OK;
                }
                if (System.nanoTime() > end) {
                    err.println("guestnode " + spec.name() + ": " + what + ": not done within "
                            + (wait == null ? 300 : wait.toMillis() / 1000.0) + " s");
                    return ExitCodes.TIMEOUT;
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (ControlClient.NotRunning | IOException e) {
            err.println("guestnode " + spec.name() + ": " + e.getMessage());
            return e instanceof ControlClient.NoPermission ? ExitCodes.NO_PERMISSION : NOT_RUNNING;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.TIMEOUT;
        }
    }

    /** Nothing in flight or planned on this host. */
    static boolean settled(JsonNode status) {
        return status.path("pending").isArray() && status.path("pending").isEmpty();
    }

    /** The role status shows for {@code resource} (a VM resource or a service), or "" when it has none. */
    static String role(JsonNode status, String resource) {
        for (JsonNode r : status.path("resources")) {
            if (r.path("id").asText().equals(resource)) {
                return r.path("role").asText();
            }
        }
        return "";
    }

    /** Whether a journal line since the request was sent begins with {@code prefix}. */
    boolean journaled(JsonNode status, String prefix) {
        for (JsonNode j : status.path("journal")) {
            if (!Instant.parse(j.path("at").asText()).isBefore(sent) && j.path("what").asText().startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The VM resource a name denotes (a guest node's name or its VM resource's id), from the status's guests. */
    static String vmOf(JsonNode status, String resource) {
        for (JsonNode g : status.path("guests")) {
            if (g.path("node").asText().equals(resource)) {
                return g.path("vm").asText();
            }
        }
        return resource;
    }

    /** Whether no failure is recorded for {@code resource}. */
    static boolean noFailure(JsonNode status, String resource) {
        for (JsonNode f : status.path("failedActions")) {
            if (f.path("resource").asText().equals(resource)) {
                return false;
            }
        }
        return true;
    }
}
