package io.guestnode.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The verbs that place guest nodes on the cluster's hosts (several hosts only). */
final class PlacementVerbs {
    private PlacementVerbs() {
    }

    /** Ran out of time waiting (Pacemaker's CRM_EX_TIMEOUT). */
    static final int TIMEOUT = ExitCodes.TIMEOUT;
    private static final Duration POLL = Duration.ofMillis(250);

    /** A placement verb with {@code --wait}: it returns when the cluster shows the change done. */
    abstract static class Waiting extends DaemonVerb {
        @Option(names = "--wait", arity = "0..1", fallbackValue = "5min", paramLabel = "DURATION",
                converter = DurationConverter.class,
                description = "Return only when done (at most DURATION, default 5min when given without one); "
                        + "exit 124 when it runs out.")
        Duration wait;

        /** The guest node the daemon said the request named, else {@code resource} itself. */
        String guest(String resource) {
            return lastReply.path("guest").asText(resource);
        }

        /** Sends the request, then waits for {@code done} over the cluster's guest records when asked to. */
        int sendAndWait(Map<String, Object> request, String what, Predicate<JsonNode> done) {
            int rc = send(request);
            if (rc != ExitCodes.OK || wait == null) {
                return rc;
            }
            PrintWriter err = spec.commandLine().getErr();
            long end = System.nanoTime() + wait.toNanos();
            try {
                while (true) {
                    JsonNode cluster = ControlClient.request(socket, Map.of("verb", "status", "journal", 0))
                            .path("status").path("cluster");
                    if (!cluster.isMissingNode() && done.test(cluster.path("guests"))) {
                        spec.commandLine().getOut().println(what + ": done");
                        return ExitCodes.OK;
                    }
                    if (System.nanoTime() > end) {
                        err.println("guestnode " + spec.name() + ": " + what + ": not done within "
                                + wait.toMillis() / 1000.0 + " s");
                        return TIMEOUT;
                    }
                    Thread.sleep(POLL.toMillis());
                }
            } catch (ControlClient.NotRunning | IOException e) {
                err.println("guestnode " + spec.name() + ": " + e.getMessage());
                return NOT_RUNNING;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return TIMEOUT;
            }
        }

        /** The record of {@code guest} in the cluster's guests. */
        static JsonNode record(JsonNode guests, String guest) {
            for (JsonNode g : guests) {
                if (g.path("guest").asText().equals(guest)) {
                    return g;
                }
            }
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }

        /** Whether the guest runs on {@code host}: owned, claimed there, running. */
        static boolean runsOn(JsonNode guests, String guest, String host) {
            JsonNode r = record(guests, guest);
            return r.path("owner").asText().equals(host) && r.path("claim").asText().equals(host)
                    && r.path("phase").asText().equals("running");
        }
    }

    @Command(name = "move", mixinStandardHelpOptions = true,
            description = "Moves a guest node (its name or its VM resource) to HOST and keeps it there: a lasting "
                    + "preference (as crm_resource --move) until 'guestnode clear'. A QEMU/KVM guest with "
                    + "allow-migrate=true migrates live; any other is relocated: stopped with the services in it, "
                    + "handed over, started on HOST.")
    static final class Move extends Waiting implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "GUEST")
        String resource;

        @Parameters(index = "1", paramLabel = "HOST")
        String host;

        @Override
        public Integer call() {
            return sendAndWait(Map.of("verb", "move", "resource", resource, "host", host),
                    "move " + resource + " to " + host, g -> runsOn(g, guest(resource), host));
        }
    }

    @Command(name = "ban", mixinStandardHelpOptions = true,
            description = "Keeps a guest node off HOST (as crm_resource --ban) until 'guestnode clear'; if it runs "
                    + "there, it migrates live or is relocated, as with move.")
    static final class Ban extends Waiting implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "GUEST")
        String resource;

        @Parameters(index = "1", paramLabel = "HOST")
        String host;

        @Override
        public Integer call() {
            return sendAndWait(Map.of("verb", "ban", "resource", resource, "host", host),
                    "ban " + resource + " from " + host, g -> {
                        JsonNode r = record(g, guest(resource));
                        String claim = r.path("claim").asText();
                        return !claim.isEmpty() && !claim.equals(host) && r.path("phase").asText().equals("running");
                    });
        }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true,
            description = "Forgets a guest node's host preference and bans (as crm_resource --clear). The guest stays "
                    + "where it runs.")
    static final class Clear extends DaemonVerb implements Callable<Integer> {
        @Parameters(paramLabel = "GUEST")
        String resource;

        @Override
        public Integer call() {
            return send(Map.of("verb", "clear", "resource", resource));
        }
    }

    @Command(name = "standby", mixinStandardHelpOptions = true,
            description = "Drains HOST: its guests migrate live or are relocated to other hosts (at most "
                    + "migration-limit at once) and it takes no guest until "
                    + "'guestnode unstandby'. Kept by the cluster: it survives a restart of guestnode.")
    static final class Standby extends Waiting implements Callable<Integer> {
        @Parameters(paramLabel = "HOST")
        String host;

        @Override
        public Integer call() {
            return sendAndWait(Map.of("verb", "standby", "host", host, "on", true), "drain " + host, g -> {
                for (JsonNode r : g) {
                    if (r.path("owner").asText().equals(host) || r.path("claim").asText().equals(host)) {
                        return false;
                    }
                }
                return true;
            });
        }
    }

    @Command(name = "unstandby", mixinStandardHelpOptions = true,
            description = "HOST takes guests again. Guests that moved away stay where they run.")
    static final class Unstandby extends DaemonVerb implements Callable<Integer> {
        @Parameters(paramLabel = "HOST")
        String host;

        @Override
        public Integer call() {
            return send(Map.of("verb", "standby", "host", host, "on", false));
        }
    }
}
