package io.guestnode.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The verbs that place guest nodes on the cluster's hosts (several hosts only). */
final class PlacementVerbs {
    private PlacementVerbs() {
    }

    /** A placement verb with {@code --wait}: it returns when the cluster's guest records show the change done. */
    abstract static class Waiting extends WaitingVerb {
        /** The guest node the daemon said the request named, else {@code resource} itself. */
        String guest(String resource) {
            return lastReply.path("guest").asText(resource);
        }

        /** Sends the request, then waits for {@code done} over the cluster's guest records when asked to. */
        int placeAndWait(Map<String, Object> request, String what, Predicate<JsonNode> done) {
            return sendAndWait(request, what, s -> !s.path("cluster").isMissingNode()
                    && done.test(s.path("cluster").path("guests")));
        }

        /** No guest is on its way between hosts (migrating live or relocating). */
        static boolean nothingMoving(JsonNode guests) {
            for (JsonNode g : guests) {
                String phase = g.path("phase").asText();
                if (phase.equals("migrating") || phase.equals("stopping")) {
                    return false;
                }
            }
            return true;
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
            return placeAndWait(Map.of("verb", "move", "resource", resource, "host", host),
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
            return placeAndWait(Map.of("verb", "ban", "resource", resource, "host", host),
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
    static final class Clear extends Waiting implements Callable<Integer> {
        @Parameters(paramLabel = "GUEST")
        String resource;

        @Override
        public Integer call() {
            return placeAndWait(Map.of("verb", "clear", "resource", resource), "clear " + resource,
                    Waiting::nothingMoving);
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
            return placeAndWait(Map.of("verb", "standby", "host", host, "on", true), "drain " + host, g -> {
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
    static final class Unstandby extends Waiting implements Callable<Integer> {
        @Parameters(paramLabel = "HOST")
        String host;

        @Override
        public Integer call() {
            return placeAndWait(Map.of("verb", "standby", "host", host, "on", false), "unstandby " + host,
                    Waiting::nothingMoving);
        }
    }
}
