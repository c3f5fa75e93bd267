package io.guestnode.operator.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guestnode.operator.definitions.Durations;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import java.time.Duration;
import java.util.Optional;

/**
 * One request on the control socket, parsed and checked: a JSON object on one line with a {@code verb} and the
 * verb's fields. Anything else is a {@link BadRequest} naming the field; nothing is done for it.
 */
public sealed interface ControlRequest {
    int MAX_NAME = 256;
    /** The longest lifetime of a move or ban: ten years (a longer one is a mistake; leave it out to keep it). */
    Duration MAX_LIFETIME = Duration.ofDays(3650);

    record Status(int journal) implements ControlRequest {
    }

    /** What the daemon would do from its present state, every action succeeding: crm_simulate's report. */
    record Simulate() implements ControlRequest {
    }

    record Cleanup(String resource, Optional<String> node) implements ControlRequest {
    }

    record SetRole(String resource, TargetRole role) implements ControlRequest {
    }

    record Fence(String guest) implements ControlRequest {
    }

    /** Maintenance of one guest node, or of the whole host when {@code guest} is empty. */
    record Maintenance(boolean on, Optional<String> guest) implements ControlRequest {
    }

    record Reload() implements ControlRequest {
    }

    /**
     * {@code move} (a lasting preference) or {@code ban}: of a guest node (or its VM resource) on a host, or of a
     * service, group or clone on a guest node; for {@code lifetime} when given, else until cleared.
     */
    record Place(String resource, String node, boolean ban, Optional<Duration> lifetime) implements ControlRequest {
    }

    record Clear(String resource) implements ControlRequest {
    }

    record Standby(String host, boolean on) implements ControlRequest {
    }

    /** A request that is not one: the message names what is wrong. */
    final class BadRequest extends Exception {
        public BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    static ControlRequest parse(String line, ObjectMapper json) throws BadRequest {
        JsonNode req;
        try {
            req = json.readTree(line);
        } catch (JsonProcessingException e) {
            throw new BadRequest("not JSON: " + e.getOriginalMessage());
        }
        if (req == null || !req.isObject()) {
            throw new BadRequest("a request is a JSON object");
        }
        String verb = text(req, "verb", true).orElseThrow();
        return switch (verb) {
            case "status" -> new Status(journal(req));
            case "simulate" -> new Simulate();
            case "cleanup" -> new Cleanup(name(req, "resource"), text(req, "node", false));
            case "disable" -> new SetRole(name(req, "resource"), TargetRole.STOPPED);
            case "enable" -> new SetRole(name(req, "resource"), TargetRole.STARTED);
            case "fence" -> new Fence(name(req, "guest"));
            case "maintenance" -> new Maintenance(flag(req, "on"), text(req, "guest", false).filter(g -> !g.isEmpty()));
            case "reload" -> new Reload();
            case "move" -> new Place(name(req, "resource"), node(req), false, lifetime(req));
            case "ban" -> new Place(name(req, "resource"), node(req), true, lifetime(req));
            case "clear" -> new Clear(name(req, "resource"));
            case "standby" -> new Standby(name(req, "host"), flag(req, "on"));
            default -> throw new BadRequest("unknown verb '" + printable(verb) + "'");
        };
    }

    /** Where a move or ban places: {@code node} (a host or a guest node), or {@code host} as earlier clients say. */
    private static String node(JsonNode req) throws BadRequest {
        return req.hasNonNull("node") || !req.hasNonNull("host") ? name(req, "node") : name(req, "host");
    }

    private static Optional<Duration> lifetime(JsonNode req) throws BadRequest {
        Optional<String> t = text(req, "lifetime", false);
        if (t.isEmpty()) {
            return Optional.empty();
        }
        try {
            Duration d = Durations.parse(t.get());
            if (d.isZero() || d.compareTo(MAX_LIFETIME) > 0) {
                throw new BadRequest("field 'lifetime' must be more than 0 and at most " + MAX_LIFETIME.toDays()
                        + " days");
            }
            return Optional.of(d);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("field 'lifetime': " + e.getMessage());
        }
    }

    private static String name(JsonNode req, String field) throws BadRequest {
        String v = text(req, field, true).orElseThrow();
        if (v.isEmpty()) {
            throw new BadRequest("field '" + field + "' is empty");
        }
        return v;
    }

    private static Optional<String> text(JsonNode req, String field, boolean required) throws BadRequest {
        JsonNode v = req.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new BadRequest("field '" + field + "' is missing");
            }
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw new BadRequest("field '" + field + "' must be a string");
        }
        String s = v.asText();
        if (s.length() > MAX_NAME || !s.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
            throw new BadRequest("field '" + field + "' must be a name of at most " + MAX_NAME
                    + " printable characters");
        }
        return Optional.of(s);
    }

    private static boolean flag(JsonNode req, String field) throws BadRequest {
        JsonNode v = req.get(field);
        if (v == null || !v.isBoolean()) {
            throw new BadRequest("field '" + field + "' must be true or false");
        }
        return v.asBoolean();
    }

    private static int journal(JsonNode req) throws BadRequest {
        JsonNode v = req.get("journal");
        if (v == null || v.isNull()) {
            return 20;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0) {
            throw new BadRequest("field 'journal' must be a count of entries (0 or more)");
        }
        return v.asInt();
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
