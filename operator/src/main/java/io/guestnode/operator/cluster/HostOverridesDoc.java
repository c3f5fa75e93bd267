package io.guestnode.operator.cluster;

import io.guestnode.agents.coordination.CoordinationException;
import io.guestnode.agents.coordination.SharedDocument;
import io.guestnode.agents.coordination.Versioned;
import io.guestnode.operator.planner.HostOverrides;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The operators' host overrides ({@link HostOverrides}) as one document in ZooKeeper, so that every host (and the
 * leader, whichever host that is) sees the same, and they survive a restart of any host. One line each:
 * {@code prefer GUEST HOST}, {@code ban GUEST HOST}, {@code standby HOST}. Changed only by a conditional write from the
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

    public HostOverridesDoc(SharedDocument doc) {
        this.doc = doc;
    }

    /** The overrides now: read again only when the document's version changed since the last read. */
    public synchronized HostOverrides read() throws CoordinationException {
        OptionalInt v = doc.version();
        if (v.isEmpty() || v.getAsInt() == lastVersion) {
            return last;
        }
        Optional<Versioned<byte[]>> r = doc.read();
        if (r.isPresent()) {
            lastVersion = r.get().version(); // a broken version is reported once, not read again every step
            try {
                last = decode(r.get().value());
            } catch (IllegalArgumentException e) {
                LOG.error("{}; the overrides read before stay in force", e.getMessage());
            }
        }
        return last;
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
            HostOverrides next = change.apply(now);
            if (next.equals(now) || doc.write(r.map(Versioned::version).orElse(-1), encode(next))) {
                return null;
            }
        }
        return "the cluster's host overrides kept changing under " + TRIES + " tries; nothing changed";
    }

    static byte[] encode(HostOverrides o) {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(o.prefer()).forEach((g, h) -> b.append("prefer ").append(g).append(' ').append(h).append('\n'));
        new TreeMap<>(o.bans()).forEach((g, hs) -> new TreeSet<>(hs).forEach(h -> b.append("ban ").append(g)
                .append(' ').append(h).append('\n')));
        new TreeSet<>(o.standby()).forEach(h -> b.append("standby ").append(h).append('\n'));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Reads the document; the error names the line at fault. */
    static HostOverrides decode(byte[] data) {
        if (data.length > MAX_BYTES) {
            throw new IllegalArgumentException("host overrides of " + data.length + " bytes (at most " + MAX_BYTES
                    + ")");
        }
        Map<String, String> prefer = new HashMap<>();
        Map<String, Set<String>> bans = new HashMap<>();
        Set<String> standby = new HashSet<>();
        String[] lines = new String(data, StandardCharsets.UTF_8).split("\n");
        for (int n = 0; n < lines.length; n++) {
            if (lines[n].isEmpty()) {
                continue;
            }
            String[] f = lines[n].split(" ", -1);
            for (String x : f) {
                if (!NAME.matcher(x).matches()) {
                    throw new IllegalArgumentException("host overrides, line " + (n + 1) + ": '" + cut(lines[n])
                            + "' is not 'prefer GUEST HOST', 'ban GUEST HOST' or 'standby HOST'");
                }
            }
            switch (f[0] + "/" + f.length) {
                case "prefer/3" -> prefer.put(f[1], f[2]);
                case "ban/3" -> bans.computeIfAbsent(f[1], k -> new HashSet<>()).add(f[2]);
                case "standby/2" -> standby.add(f[1]);
                default -> throw new IllegalArgumentException("host overrides, line " + (n + 1) + ": '"
                        + cut(lines[n]) + "' is not 'prefer GUEST HOST', 'ban GUEST HOST' or 'standby HOST'");
            }
        }
        return new HostOverrides(prefer, bans, standby);
    }

    private static String cut(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }
}
