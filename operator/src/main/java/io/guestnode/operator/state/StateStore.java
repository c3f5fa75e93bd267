package io.guestnode.operator.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.engine.Engine;
import io.guestnode.operator.planner.Observed.Failure;
import io.guestnode.operator.planner.Observed.Guest;
import io.guestnode.operator.planner.Observed.UncleanCause;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.Overrides;
import io.guestnode.operator.planner.Placements;
import io.guestnode.operator.planner.ResourceNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What survives a restart of guestnode: fail counts, operator overrides, guest health (unclean, fence failures,
 * crash-loop back-off) and the event journal, in {@code STATE_DIR/state.json}, written atomically and durably. A
 * torn or corrupt file is reported and kept aside; guestnode then starts with the host in maintenance rather than
 * forget a disable. One daemon per state directory: {@link StateDirLock}.
 */
public final class StateStore {
    private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path dir;
    private final Path file;
    private String lastWritten = "";

    public record FailureRecord(String resource, String node, long count, String op, long intervalMs, int rc,
                                String status, String reason, String onFail, String last) {
    }

    public record JournalRecord(String at, String what) {
    }

    /**
     * A guest node's health: what a restart needs to finish a fence and keep the crash-loop back-off. {@code cause}
     * is absent from files written before it was kept, and may be a word this version does not know: such an unclean
     * guest is read as settled by its fence, so that what ran in it is probed afresh rather than returned to.
     */
    public record GuestRecord(String node, boolean unclean, String uncleanReason, String cause, int fenceFailures,
                              String fenceError, int recoveries, String lastFenceAt, String backoffUntil) {
        UncleanCause uncleanCause() {
            if (cause != null) {
                for (UncleanCause c : UncleanCause.values()) {
                    if (c.name().equals(cause)) {
                        return c;
                    }
                }
            }
            // absent (an older file) or unknown (a newer daemon's word): what ran in it is probed afresh
            return unclean ? UncleanCause.SETTLED_BY_FENCE : UncleanCause.GUEST_FAILED;
        }
    }

    /** An operator's move or ban of a service ({@code until}: when its lifetime ends, or null). */
    public record PlacementRecord(String resource, String node, Boolean ban, String until) {
    }

    public record Persisted(int version, List<FailureRecord> failures, Map<String, String> targetRoles,
                            List<String> maintenance, boolean hostMaintenance, List<JournalRecord> journal,
                            List<GuestRecord> guests, List<String> fences, List<PlacementRecord> placements) {
    }

    /**
     * What was loaded.
     *
     * @param problem why the state file could not be read, when it could not (then the host is in maintenance: a
     *                forgotten disable or maintenance must not let guestnode act)
     */
    public record Loaded(ObservedState state, Overrides overrides, List<Engine.Journal.Entry> journal,
                         Optional<String> problem) {
    }

    public StateStore(Path dir) {
        this.dir = dir;
        this.file = dir.resolve("state.json");
    }

    public Loaded load() {
        if (!Files.exists(file)) {
            return new Loaded(ObservedState.EMPTY, Overrides.NONE, List.of(), Optional.empty());
        }
        try {
            Persisted p = JSON.readValue(file.toFile(), Persisted.class);
            ObservedState.Mutable m = ObservedState.EMPTY.edit();
            for (FailureRecord f : p.failures() == null ? List.<FailureRecord>of() : p.failures()) {
                m.failures.put(new ResourceNode(f.resource(), f.node()), new Failure(f.count(), f.op(), f.intervalMs(),
                        f.rc(), f.status(), f.reason(), f.onFail(), Instant.parse(f.last())));
            }
            Map<String, TargetRole> roles = new HashMap<>();
            if (p.targetRoles() != null) {
                p.targetRoles().forEach((k, v) -> roles.put(k, TargetRole.valueOf(v)));
            }
            Overrides o = new Overrides(roles, Set.copyOf(p.maintenance() == null ? List.of() : p.maintenance()),
                    p.hostMaintenance()).withPlacements(placements(p.placements()));
            for (GuestRecord g : p.guests() == null ? List.<GuestRecord>of() : p.guests()) {
                m.guests.put(g.node(), new Guest(g.unclean(), g.uncleanReason(), g.uncleanCause(), g.fenceFailures(), g.fenceError(),
                        g.recoveries(), Instant.parse(g.lastFenceAt()), Instant.parse(g.backoffUntil()), Instant.EPOCH));
            }
            for (String t : p.fences() == null ? List.<String>of() : p.fences()) {
                m.fences.add(Instant.parse(t));
            }
            List<Engine.Journal.Entry> j = new ArrayList<>();
            for (JournalRecord r : p.journal() == null ? List.<JournalRecord>of() : p.journal()) {
                j.add(new Engine.Journal.Entry(Instant.parse(r.at()), r.what()));
            }
            return new Loaded(m.done(), o, j, Optional.empty());
        } catch (IOException | RuntimeException e) {
            return unreadable(e);
        }
    }

    private static Placements placements(List<PlacementRecord> saved) {
        List<Placements.Rule> rules = new ArrayList<>();
        for (PlacementRecord r : saved == null ? List.<PlacementRecord>of() : saved) {
            if (r == null || r.ban() == null) {
                throw new IllegalArgumentException("a move or ban without its kind (ban true or false)");
            }
            rules.add(new Placements.Rule(r.resource(), r.node(), r.ban(),
                    Optional.ofNullable(r.until()).map(Instant::parse)));
        }
        return new Placements(rules);
    }

    /**
     * The file cannot be read: it is kept aside, and guestnode starts with the whole host in maintenance (it observes
     * and never acts) until an operator says {@code maintenance off}: starting as if nothing had been disabled could
     * start a guest or a service someone stopped on purpose.
     */
    private Loaded unreadable(Exception e) {
        Path aside = dir.resolve("state.json.corrupt-" + System.currentTimeMillis());
        try {
            Files.move(file, aside);
        } catch (IOException ignored) {
            aside = file;
        }
        String why = "state file " + file + " is unreadable (" + String.valueOf(e.getMessage()).lines().findFirst()
                .orElse("") + "); kept as " + aside + "; fail counts, disables and maintenance recorded there are not "
                + "known, so the host is in maintenance (observe only) until 'guestnode maintenance off'";
        LOG.error(why);
        return new Loaded(ObservedState.EMPTY, Overrides.NONE.withHostMaintenance(true), List.of(), Optional.of(why));
    }

    /**
     * Writes what changed since the last write: a temporary file, fsync, rename, fsync of the directory, so that a
     * crash at any point leaves the old file or the new one, and a returned save survives a power cut.
     *
     * @throws IOException when it could not be written; what was written before stays
     */
    public synchronized void save(Engine.Snapshot s) throws IOException {
        List<FailureRecord> fails = new ArrayList<>();
        s.state().failures().forEach((k, f) -> fails.add(new FailureRecord(k.resource(), k.node(), f.count(), f.op(),
                f.intervalMs(), f.rc(), f.status(), f.reason(), f.onFail(), f.last().toString())));
        Map<String, String> roles = new HashMap<>();
        s.overrides().targetRoles().forEach((k, v) -> roles.put(k, v.name()));
        List<JournalRecord> j = s.journal().stream().map(e -> new JournalRecord(e.at().toString(), e.what())).toList();
        List<GuestRecord> guests = new ArrayList<>();
        s.state().guests().forEach((n, g) -> guests.add(new GuestRecord(n, g.unclean(), g.uncleanReason(), g.cause().name(),
                g.fenceFailures(), g.fenceError(), g.recoveries(), g.lastFenceAt().toString(),
                g.backoffUntil().toString())));
        List<PlacementRecord> placements = s.overrides().placements().rules().stream().map(r -> new PlacementRecord(
                r.resource(), r.node(), r.ban(), r.until().map(Instant::toString).orElse(null))).toList();
        Persisted p = new Persisted(2, fails, roles, List.copyOf(s.overrides().maintenanceGuests()),
                s.overrides().hostMaintenance(), j, guests,
                s.state().fences().stream().map(Instant::toString).toList(), placements);
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(p);
        if (text.equals(lastWritten)) {
            return;
        }
        Files.createDirectories(dir);
        Path tmp = dir.resolve("state.json.tmp");
        Files.writeString(tmp, text);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
        lastWritten = text;
    }
}
