package io.guestnode.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The verbs that place resources: guest nodes on the cluster's hosts (several hosts), services, groups and clones on
 * guest nodes.
 */
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
            return sendAndWait(request, what, overGuests(done));
        }

        /** {@code done} over the cluster's guest records in a status (false on a host that runs alone). */
        static Predicate<JsonNode> overGuests(Predicate<JsonNode> done) {
            return s -> !s.path("cluster").isMissingNode() && done.test(s.path("cluster").path("guests"));
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

    /** move and ban: a resource, where, and how long. */
    abstract static class Placing extends Waiting {
        @Parameters(index = "0", paramLabel = "RESOURCE",
                description = "A guest node (its name or its VM resource), or a service, group or clone.")
        String resource;

        @Parameters(index = "1", paramLabel = "NODE", description = "A host for a guest node; a guest node for a "
                + "service, group or clone.")
        String node;

        @Option(names = {"-u", "--lifetime"}, paramLabel = "DURATION", converter = DurationConverter.class,
                description = "How long it lasts (as crm_resource --lifetime: PT1H, 30min, 2h); without it, until "
                        + "'guestnode clear'.")
        Duration lifetime;

        Map<String, Object> request(String verb) {
            Map<String, Object> r = new LinkedHashMap<>(Map.of("verb", verb, "resource", resource, "node", node));
            if (lifetime != null) {
                r.put("lifetime", lifetime.toString());
            }
            return r;
        }

        /**
         * Sends the request and, when asked to, waits: for a service, group or clone until this host's status
         * satisfies {@code service}; for a guest node until the cluster's records satisfy {@code guest}. A service
         * whose placement another host decides cannot be waited for here: that is said at once (exit 124).
         */
        int sendPlacement(String verb, String what, Predicate<JsonNode> service, Predicate<JsonNode> guest) {
            sent = java.time.Instant.now();
            int rc = send(request(verb));
            if (rc != ExitCodes.OK || wait == null) {
                return rc;
            }
            if (!service()) {
                return await(what, overGuests(guest));
            }
            String by = lastReply.path("decidedBy").asText("");
            if (!by.isEmpty() && !by.equals(ownHost())) {
                spec.commandLine().getErr().println("guestnode " + spec.name() + ": " + what + ": " + resource
                        + " is placed by " + by + ", so this host's status cannot show it done; the change is made "
                        + "('guestnode status' on " + by + " shows it)");
                return ExitCodes.TIMEOUT;
            }
            return await(what, service);
        }

        /** This host's name, as its status says it ("" when it cannot be asked). */
        private String ownHost() {
            try {
                return ControlClient.request(socket, Map.of("verb", "status", "journal", 0)).path("status")
                        .path("host").asText("");
            } catch (ControlClient.NotRunning | java.io.IOException e) {
                return "";
            }
        }

        /** Whether {@code member} has a row in this host's status (a service this host places). */
        static boolean shown(JsonNode status, String member) {
            return rows(status, member).findAny().isPresent();
        }

        /** The rows of {@code member} in this host's status (one per clone instance). */
        private static java.util.stream.Stream<JsonNode> rows(JsonNode status, String member) {
            return java.util.stream.StreamSupport.stream(status.path("resources").spliterator(), false)
                    .filter(r -> r.path("id").asText().equals(member));
        }

        /** Whether the daemon said the resource is a service, group or clone (placed among guest nodes). */
        boolean service() {
            return lastReply.path("kind").asText().equals("service");
        }

        /** The services whose status rows show where the resource runs. */
        List<String> members() {
            List<String> out = new ArrayList<>();
            lastReply.path("members").forEach(m -> out.add(m.asText()));
            return out;
        }

        /** Whether, in this host's status, settled, {@code member} has a row Started in {@code guest}. */
        static boolean startedIn(JsonNode status, String member, String guest) {
            return rows(status, member).anyMatch(r -> r.path("role").asText().equals("Started")
                    && r.path("node").asText().equals(guest));
        }
    }

    @Command(name = "move", mixinStandardHelpOptions = true,
            description = {"Moves RESOURCE to NODE and keeps it there: a preference (as crm_resource --move, "
                    + "cli-prefer-RESOURCE) until 'guestnode clear' or until its lifetime ends.",
                    "A guest node goes to a host (several hosts): a QEMU/KVM guest with allow-migrate=true migrates "
                            + "live; any other is relocated: stopped with the services in it, handed over, started "
                            + "on NODE.",
                    "A service or a group goes to a guest node: stopped where it runs, started in NODE. A clone is "
                            + "not moved (ban it instead)."})
    static final class Move extends Placing implements Callable<Integer> {
        @Override
        public Integer call() {
            return sendPlacement("move", "move " + resource + " to " + node,
                    s -> settled(s) && members().stream().allMatch(m -> startedIn(s, m, node)),
                    g -> runsOn(g, guest(resource), node));
        }
    }

    @Command(name = "ban", mixinStandardHelpOptions = true,
            description = {"Keeps RESOURCE off NODE (as crm_resource --ban, cli-ban-RESOURCE-on-NODE) until "
                    + "'guestnode clear' or until its lifetime ends.",
                    "A guest node running on the host NODE migrates live or is relocated, as with move; a service, "
                            + "group or clone instance in the guest node NODE stops there (and starts elsewhere "
                            + "when it may)."})
    static final class Ban extends Placing implements Callable<Integer> {
        @Override
        public Integer call() {
            return sendPlacement("ban", "ban " + resource + " from " + node,
                    s -> settled(s) && members().stream().allMatch(m -> shown(s, m) && !startedIn(s, m, node)),
                    g -> {
                        JsonNode r = record(g, guest(resource));
                        String claim = r.path("claim").asText();
                        return !claim.isEmpty() && !claim.equals(node) && r.path("phase").asText().equals("running");
                    });
        }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true,
            description = "Forgets the moves and bans of RESOURCE (as crm_resource --clear): of a guest node among "
                    + "hosts, or of a service, group or clone among guest nodes. It stays where it runs unless its "
                    + "constraints send it elsewhere.")
    static final class Clear extends Waiting implements Callable<Integer> {
        @Parameters(paramLabel = "RESOURCE")
        String resource;

        @Override
        public Integer call() {
            return sendAndWait(Map.of("verb", "clear", "resource", resource), "clear " + resource,
                    s -> lastReply.path("kind").asText().equals("service") ? settled(s) && noRuleOf(s, resource)
                            : overGuests(Waiting::nothingMoving).test(s));
        }

        /** Whether this host's status lists no move or ban of {@code resource} (its engine plans without them). */
        static boolean noRuleOf(JsonNode status, String resource) {
            for (JsonNode p : status.path("placements")) {
                if (p.path("resource").asText().equals(resource)) {
                    return false;
                }
            }
            return true;
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
