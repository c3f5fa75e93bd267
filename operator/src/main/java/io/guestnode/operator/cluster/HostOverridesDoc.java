package io.guestnode.operator.cluster;

import io.guestnode.agents.coordination.CoordinationException;
import io.guestnode.agents.coordination.SharedDocument;
import io.guestnode.agents.coordination.Versioned;
import io.guestnode.operator.planner.HostOverrides;
import io.guestnode.operator.planner.Placements;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The operators' host overrides ({@link HostOverrides}) as one document in ZooKeeper, so that every host (and the
 * leader, whichever host that is) sees the same, and they survive a restart of any host. One line each:
 * {@code prefer GUEST HOST [UNTIL]}, {@code ban GUEST HOST [UNTIL]}, the same of services on guest nodes
 * ({@code prefer-service SERVICE GUEST [UNTIL]}, {@code ban-service ...}), {@code standby HOST}; UNTIL is when a
 * lifetime ends (ISO 8601, UTC). Changed only by a conditional write from the
 * version read; a document that cannot be read is reported with its line and never acted on (the last good one
 * stays).
 */
public final class HostOverridesDoc {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HostOverridesDoc.class);
    static final int MAX_BYTES = 256 * 1024;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int TRIES = 10;

    private final SharedDocument doc;
    private HostOverrides last = HostOverrides.NONE;
    private int lastVersion = -1;
    /** Whether a read found the document absent or readable: only then is {@link #read} the cluster's word. */
    private boolean known;

    public HostOverridesDoc(SharedDocument doc) {
        this.doc = doc;
    }

    /** The overrides now: read again only when the document's version changed since the last read. */
    public synchronized HostOverrides read() throws CoordinationException {
        OptionalInt v = doc.version();
        if (v.isEmpty()) {
            known = true; // nothing written yet
        }
        if (v.isEmpty() || v.getAsInt() == lastVersion) {
            return last;
        }
        Optional<Versioned<byte[]>> r = doc.read();
        if (r.isPresent()) {
            lastVersion = r.get().version(); // a broken version is reported once, not read again every step
            try {
                last = decode(r.get().value());
                known = true;
            } catch (IllegalArgumentException e) {
                LOG.error("{}; the overrides read before stay in force", e.getMessage());
            }
        }
        return last;
    }

    /**
     * Whether the overrides {@link #read} gives are the cluster's: the document was found absent or read; false while
     * only a broken one was seen (what this host kept of its own then stays).
     */
    public synchronized boolean known() {
        return known;
    }

    /**
     * Applies {@code change} to the overrides as a quorum has them and writes the result from the version read, again
     * when another write came first. Null when written, else why not.
     */
    public synchronized String update(Function<HostOverrides, HostOverrides> change) throws CoordinationException {
        for (int i = 0; i < TRIES; i++) {
            Optional<Versioned<byte[]>> r = doc.read();
            HostOverrides now;
            try {
                now = r.isPresent() ? decode(r.get().value()) : HostOverrides.NONE;
            } catch (IllegalArgumentException e) {
                return "the cluster's host overrides cannot be read (" + e.getMessage() + "); nothing changed";
            }
            HostOverrides next;
            try {
                next = change.apply(now);
                if (!decode(encode(next)).equals(next)) {
                    return "the change cannot be kept in the cluster's host overrides; nothing changed";
                }
            } catch (IllegalArgumentException e) {
                return "the change cannot be kept in the cluster's host overrides (" + e.getMessage()
                        + "); nothing changed";
            }
            if (next.equals(now) || doc.write(r.map(Versioned::version).orElse(-1), encode(next))) {
                return null;
            }
        }
        return "the cluster's host overrides kept changing under " + TRIES + " tries; nothing changed";
    }

    static byte[] encode(HostOverrides o) {
        StringBuilder b = new StringBuilder();
        rules(b, o.guests(), "prefer", "ban");
        rules(b, o.services(), "prefer-service", "ban-service");
        new TreeSet<>(o.standby()).forEach(h -> b.append("standby ").append(h).append('\n'));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void rules(StringBuilder b, Placements p, String prefer, String ban) {
        for (Placements.Rule r : p.rules()) {
            b.append(r.ban() ? ban : prefer).append(' ').append(r.resource()).append(' ').append(r.node());
            r.until().ifPresent(t -> b.append(' ').append(t));
            b.append('\n');
        }
    }

    /** Reads the document; the error names the line at fault. */
    static HostOverrides decode(byte[] data) {
        if (data.length > MAX_BYTES) {
            throw new IllegalArgumentException("host overrides of " + data.length + " bytes (at most " + MAX_BYTES
                    + ")");
        }
        List<Placements.Rule> guests = new ArrayList<>();
        List<Placements.Rule> services = new ArrayList<>();
        Set<String> standby = new HashSet<>();
        String[] lines = new String(data, StandardCharsets.UTF_8).split("\n");
        for (int n = 0; n < lines.length; n++) {
            if (lines[n].isEmpty()) {
                continue;
            }
            String[] f = lines[n].split(" ", -1);
            boolean rule = f.length == 3 || f.length == 4;
            for (int i = 0; i < Math.min(f.length, 3); i++) {
                if (!NAME.matcher(f[i]).matches()) {
                    throw bad(n, lines[n]);
                }
            }
            Optional<Instant> until = f.length == 4 ? Optional.of(instant(n, lines[n], f[3])) : Optional.empty();
            switch (f[0]) {
                case "prefer", "ban" -> {
                    if (!rule) {
                        throw bad(n, lines[n]);
                    }
                    guests.add(new Placements.Rule(f[1], f[2], f[0].equals("ban"), until));
                }
                case "prefer-service", "ban-service" -> {
                    if (!rule) {
                        throw bad(n, lines[n]);
                    }
                    services.add(new Placements.Rule(f[1], f[2], f[0].equals("ban-service"), until));
                }
                case "standby" -> {
                    if (f.length != 2) {
                        throw bad(n, lines[n]);
                    }
                    standby.add(f[1]);
                }
                default -> throw bad(n, lines[n]);
            }
        }
        return new HostOverrides(new Placements(guests), new Placements(services), standby);
    }

    private static Instant instant(int n, String line, String text) {
        try {
            return Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("host overrides, line " + (n + 1) + ": '" + cut(line) + "': its end '"
                    + cut(text) + "' is not a time such as 2026-01-01T00:00:00Z");
        }
    }

    private static IllegalArgumentException bad(int n, String line) {
        return new IllegalArgumentException("host overrides, line " + (n + 1) + ": '" + cut(line) + "' is not 'prefer "
                + "GUEST HOST [UNTIL]', 'ban GUEST HOST [UNTIL]', 'prefer-service SERVICE GUEST [UNTIL]', 'ban-service "
                + "SERVICE GUEST [UNTIL]' or 'standby HOST'");
    }

    private static String cut(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }
}
