package io.guestnode.operator.engine;

import io.guestnode.operator.planner.Action;
import io.guestnode.operator.planner.Event;
import io.guestnode.operator.planner.Observed.VmStatus;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the journal (and, for warnings, the log) says of events and plans. Pure but for the log. */
final class JournalLines {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final String FENCE_WAITS = "waits: fence limit";

    private JournalLines() {
    }

    /**
     * The journal line of an event, judged against the state before it as the reducer judges it (a guest migrating
     * away whose domain leaves this host did not stop by itself); empty for events not journaled.
     */
    static Optional<String> of(Event e, ObservedState before, io.guestnode.operator.definitions.Definitions d,
                               io.guestnode.operator.planner.Overrides o) {
        if (e instanceof Event.VmSeen v && v.status() == VmStatus.STOPPED
                && before.vm(v.vm()).status() == VmStatus.RUNNING && !before.busy("vm:" + v.vm())
                && d.vm(v.vm()).map(x -> !o.migrating().contains(x.node())).orElse(true)) {
            LOG.warn("{} stopped by itself ({}): its guest node counts as fenced", v.vm(), v.detail());
            return Optional.of(v.vm() + " stopped by itself (" + v.detail() + ")");
        }
        return switch (e) {
            case Event.ShutdownRequested r -> Optional.of(r.node() + ": the guest announced its shutdown (shutdown_req)");
            case Event.HistoryAdopted h when !h.failures().isEmpty() -> Optional.of(h.node()
                    + ": failures of its services taken over from its previous host: " + new java.util.TreeMap<>(
                    h.failures()).entrySet().stream().map(x -> x.getKey() + " x" + x.getValue().count()).toList());
            case Event.MonitorResult m when m.rc() != 0 -> Optional.of(m.service() + " in " + m.node()
                    + ": monitor failed (rc=" + m.rc() + ", " + m.status() + ")");
            case Event.ActionFinished f -> Optional.of(f.action() + (f.ok() && (f.rc() == 0
                    || f.action() instanceof Action.Probe) ? ": done" + (f.action() instanceof Action.Probe
                    ? " (rc=" + f.rc() + ")" : "") : ": failed (" + f.status() + ", rc=" + f.rc() + ") " + f.reason()));
            default -> Optional.empty();
        };
    }

    /** Fences held back by the fence limit, logged and journaled once: when they start to wait. */
    static List<String> waitingFences(Plan plan, Plan previous) {
        List<String> out = new ArrayList<>();
        plan.notes().forEach((node, note) -> {
            if (note.contains(FENCE_WAITS) && (previous == null
                    || !previous.notes().getOrDefault(node, "").contains(FENCE_WAITS))) {
                LOG.warn("[{}] {}", node, note);
                out.add(node + ": " + note);
            }
        });
        return out;
    }
}
