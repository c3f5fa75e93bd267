package io.guestnode.operator.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guestnode.operator.e2e.StatusJson;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** What the daemon says of itself: its status (JSON) and its journal, read through its control socket. */
final class DaemonView {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One journal line. */
    record Entry(Instant at, String what) {
    }

    private final FaultLab lab;

    DaemonView(FaultLab lab) {
        this.lab = lab;
    }

    /** The daemon's status, or null when it does not answer. */
    JsonNode status() {
        FaultLab.CliResult r = lab.cli("status", "--output-as", "json", "--journal", "2000");
        if (r.rc() != 0) {
            return null;
        }
        try {
            return JSON.readTree(r.out());
        } catch (IOException e) {
            return null;
        }
    }

    /** Polls status every 100 ms until {@code p} holds or {@code deadline} passes; the status that held, or null. */
    JsonNode await(Instant deadline, Predicate<JsonNode> p) {
        while (true) {
            JsonNode s = status();
            if (s != null && p.test(s)) {
                return s;
            }
            if (Instant.now().isAfter(deadline)) {
                return null;
            }
            Observer.sleep(100);
        }
    }

    static List<Entry> journal(JsonNode s, Instant since) {
        List<Entry> out = new ArrayList<>();
        if (s == null) {
            return out;
        }
        s.get("journal").forEach(j -> {
            Instant at = Instant.parse(j.get("at").asText());
            if (!at.isBefore(since)) {
                out.add(new Entry(at, j.get("what").asText()));
            }
        });
        return out;
    }

    static long count(JsonNode s, Instant since, String prefix) {
        return journal(s, since).stream().filter(e -> e.what().startsWith(prefix)).count();
    }

    /** Fences the daemon ordered for {@code guest} since then (its own stops of the guest's VM). */
    static List<Entry> fences(JsonNode s, Instant since, String guest) {
        String prefix = "fence " + guest + " by stopping vm-" + guest + " (";
        return journal(s, since).stream().filter(e -> e.what().startsWith(prefix)).toList();
    }

    /** The first journal line since then saying the guest was lost, or null. */
    static Entry loss(JsonNode s, Instant since, String guest) {
        for (Entry e : journal(s, since)) {
            String w = e.what();
            if (w.startsWith(guest + ": connection lost") || w.startsWith("vm-" + guest + " stopped by itself")
                    || w.startsWith("fence " + guest + " ")) {
                return e;
            }
        }
        return null;
    }

    static boolean online(JsonNode s, String guest) {
        return StatusJson.online(s, guest);
    }

    static String role(JsonNode s, String resource) {
        return StatusJson.role(s, resource);
    }

    static JsonNode failure(JsonNode s, String resource, String node) {
        return StatusJson.failure(s, resource, node);
    }

    static long failCount(JsonNode s, String resource, String node) {
        JsonNode f = s == null ? null : failure(s, resource, node);
        return f == null ? 0 : f.get("count").asLong();
    }

    static List<String> notes(JsonNode s) {
        List<String> out = new ArrayList<>();
        JsonNode n = s == null ? null : s.get("notes");
        if (n != null) {
            n.fields().forEachRemaining(e -> out.add(e.getKey() + ": " + e.getValue().asText()));
        }
        return out;
    }
}
