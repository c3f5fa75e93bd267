package io.guestnode.operator.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.engine.Engine;
import io.guestnode.operator.planner.Observed.Failure;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.Overrides;
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
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What survives a restart of guestnode: fail counts, operator overrides and the event journal, in
 * {@code STATE_DIR/state.json}, written atomically (temporary file, fsync, rename). A torn or corrupt file is
 * reported, kept aside, and guestnode starts without it; it never crashes the daemon.
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

    public record Persisted(int version, List<FailureRecord> failures, Map<String, String> targetRoles,
                            List<String> maintenance, boolean hostMaintenance, List<JournalRecord> journal) {
    }

    /** What was loaded. */
    public record Loaded(ObservedState state, Overrides overrides, List<Engine.Journal.Entry> journal) {
    }

    public StateStore(Path dir) {
        this.dir = dir;
        this.file = dir.resolve("state.json");
    }

    public Loaded load() {
        if (!Files.exists(file)) {
            return new Loaded(ObservedState.EMPTY, Overrides.NONE, List.of());
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
                    p.hostMaintenance());
            List<Engine.Journal.Entry> j = new ArrayList<>();
            for (JournalRecord r : p.journal() == null ? List.<JournalRecord>of() : p.journal()) {
                j.add(new Engine.Journal.Entry(Instant.parse(r.at()), r.what()));
            }
            return new Loaded(m.done(), o, j);
        } catch (IOException | RuntimeException e) {
            Path aside = dir.resolve("state.json.corrupt-" + System.currentTimeMillis());
            try {
                Files.move(file, aside);
            } catch (IOException ignored) {
                // leave it where it is
            }
            LOG.error("state file {} is unreadable ({}); kept as {}; starting without fail counts and overrides",
                    file, e.getMessage().lines().findFirst().orElse(""), aside);
            return new Loaded(ObservedState.EMPTY, Overrides.NONE, List.of());
        }
    }

    /** Writes what changed since the last write; atomic. */
    public synchronized void save(Engine.Snapshot s) {
        List<FailureRecord> fails = new ArrayList<>();
        s.state().failures().forEach((k, f) -> fails.add(new FailureRecord(k.resource(), k.node(), f.count(), f.op(),
                f.intervalMs(), f.rc(), f.status(), f.reason(), f.onFail(), f.last().toString())));
        Map<String, String> roles = new HashMap<>();
        s.overrides().targetRoles().forEach((k, v) -> roles.put(k, v.name()));
        List<JournalRecord> j = s.journal().stream().map(e -> new JournalRecord(e.at().toString(), e.what())).toList();
        Persisted p = new Persisted(1, fails, roles, List.copyOf(s.overrides().maintenanceGuests()),
                s.overrides().hostMaintenance(), j);
        try {
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
            lastWritten = text;
        } catch (IOException e) {
            LOG.error("cannot write {}: {}", file, e.getMessage());
        }
    }
}
