package io.guestnode.operator.faults;

import io.guestnode.operator.faults.ProcScan.Incarnation;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The marker agent's lines ({@code start|stop SERVICE INCARNATION START-ID MILLISECONDS}), one file per domain
 * ({@code MARKERS/DOMAIN/events}), read into service starts, each with the time it was closed by its stop marker.
 */
final class Markers {
    /** One start of a service in one guest incarnation; {@code stopped} is null while no stop marker closes it. */
    record Start(String service, Incarnation incarnation, String id, Instant at, Instant stopped) {
        Start closedAt(Instant t) {
            return new Start(service, incarnation, id, at, t);
        }
    }

    private Markers() {
    }

    /** Every start recorded under {@code markers}, in time order. */
    static List<Start> read(Path markers) throws IOException {
        Map<String, Start> byId = new HashMap<>();
        List<String> order = new ArrayList<>();
        try (DirectoryStream<Path> domains = Files.newDirectoryStream(markers, Files::isDirectory)) {
            for (Path d : domains) {
                Path events = d.resolve("events");
                if (Files.exists(events)) {
                    readDomain(d.getFileName().toString(), Files.readAllLines(events), byId, order);
                }
            }
        }
        List<Start> out = new ArrayList<>();
        for (String id : order) {
            out.add(byId.get(id));
        }
        out.sort(Comparator.comparing(Start::at));
        return out;
    }

    private static void readDomain(String domain, List<String> lines, Map<String, Start> byId, List<String> order) {
        for (String line : lines) {
            String[] f = line.trim().split(" ");
            if (f.length != 5) {
                continue;
            }
            Instant at = Instant.ofEpochMilli(Long.parseLong(f[4]));
            String key = domain + "/" + f[3];
            if (f[0].equals("start")) {
                byId.put(key, new Start(f[1], new Incarnation(domain, Long.parseLong(f[2])), f[3], at, null));
                order.add(key);
            } else if (f[0].equals("stop") && byId.containsKey(key)) {
                byId.put(key, byId.get(key).closedAt(at));
            }
        }
    }

    /** The starts of one service. */
    static List<Start> of(List<Start> all, String service) {
        return all.stream().filter(s -> s.service().equals(service)).toList();
    }
}
