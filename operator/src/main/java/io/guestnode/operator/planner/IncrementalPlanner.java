package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.Definitions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The planner for a control loop that plans again after every few events: it gives exactly what
 * {@link Planner#plan} gives, but plans again only the parts of the cluster ({@link PlanShards}) that an event touched
 * or that were not settled, and keeps the answer of the settled ones. Planning after one event among thousands of
 * guest nodes costs what that guest's part costs.
 *
 * <p>It keeps what it computed between calls and is owned by one thread; its answer depends on its arguments only.
 * Any change of definitions, overrides or policy (compared by identity) plans everything again.
 */
public final class IncrementalPlanner {
    /** What an event or a command touched: guest nodes and resources by name, or everything. */
    public static final class Touched {
        private final List<String> names = new ArrayList<>();
        private boolean all;

        public void add(String nodeOrResource) {
            names.add(nodeOrResource);
        }

        public void all() {
            all = true;
        }

        List<String> names() {
            return names;
        }

        public void clear() {
            names.clear();
            all = false;
        }
    }

    private PlanShards shards;
    private Overrides overrides;
    private HostPolicy policy;
    /** Parts whose last answer was not settled: planned again every time. */
    private final BitSet unsettled = new BitSet();
    /** The notes of the settled parts, by part. */
    private final Map<Integer, Map<String, String>> settledNotes = new HashMap<>();
    private final Map<String, String> notes = new HashMap<>();
    private final OperatorLocations operatorLocations = new OperatorLocations();

    /**
     * The plan now. The operators' moves and bans of services ({@link Overrides#placements}) count as location
     * constraints while their lifetime lasts; the plan wakes when one ends.
     */
    public Plan plan(Definitions declared, ObservedState s, Overrides o, HostPolicy p, Instant now,
                     Touched touched) {
        Plan plan = planOf(operatorLocations.apply(declared, o.placements(), now), s, o, p, now, touched);
        return o.placements().nextExpiry(now).map(plan::wakingBy).orElse(plan);
    }

    private Plan planOf(Definitions d, ObservedState s, Overrides o, HostPolicy p, Instant now, Touched touched) {
        if (shards == null || shards.whole() != d || overrides != o || policy != p || touched.all
                || shards.single()) {
            return everything(d, s, o, p, now);
        }
        BitSet parts = (BitSet) unsettled.clone();
        for (String name : touched.names) {
            Integer part = shards.partOf(name);
            if (part != null) {
                parts.set(part);
            }
        }
        Budgets budgets = new Budgets(p, s, now);
        List<PlanContext> planned = new ArrayList<>();
        for (int i = parts.nextSetBit(0); i >= 0; i = parts.nextSetBit(i + 1)) {
            PlanContext ctx = Planner.planPart(shards, shards.shards().get(i), s, o, p, budgets, now);
            if (ctx.entangled()) {
                return everything(d, s, o, p, now);
            }
            planned.add(ctx);
        }
        return keep(parts, planned);
    }

    private Plan everything(Definitions d, ObservedState s, Overrides o, HostPolicy p, Instant now) {
        overrides = o;
        policy = p;
        unsettled.clear();
        settledNotes.clear();
        notes.clear();
        shards = PlanShards.of(d);
        List<PlanContext> planned = planAll(shards, s, o, p, now);
        if (planned == null) {
            shards = PlanShards.single(d);
            planned = planAll(shards, s, o, p, now);
        }
        BitSet parts = new BitSet();
        parts.set(0, shards.shards().size());
        return keep(parts, planned);
    }

    /** Every part in order; null when one of them is entangled with another (plan the whole as one part then). */
    static List<PlanContext> planAll(PlanShards shards, ObservedState s, Overrides o, HostPolicy p, Instant now) {
        Budgets budgets = new Budgets(p, s, now);
        List<PlanContext> planned = new ArrayList<>();
        for (PlanShards.Shard shard : shards.shards()) {
            PlanContext ctx = Planner.planPart(shards, shard, s, o, p, budgets, now);
            if (ctx.entangled() && !shards.single()) {
                return null;
            }
            planned.add(ctx);
        }
        return planned;
    }

    /** Records which of the parts just planned are settled, and puts the whole plan together. */
    private Plan keep(BitSet parts, List<PlanContext> planned) {
        List<Action> actions = new ArrayList<>();
        Map<String, String> unsettledNotes = new HashMap<>();
        Instant wake = null;
        int k = 0;
        for (int i = parts.nextSetBit(0); i >= 0; i = parts.nextSetBit(i + 1)) {
            PlanContext ctx = planned.get(k++);
            Plan part = ctx.plan();
            Map<String, String> old = settledNotes.remove(i);
            if (old != null) {
                old.keySet().forEach(notes::remove);
            }
            actions.addAll(part.actions());
            if (part.wakeAt().isPresent() && (wake == null || part.wakeAt().get().isBefore(wake))) {
                wake = part.wakeAt().get();
            }
            if (ctx.settled()) {
                unsettled.clear(i);
                if (!part.notes().isEmpty()) {
                    settledNotes.put(i, part.notes());
                    notes.putAll(part.notes());
                }
            } else {
                unsettled.set(i);
                unsettledNotes.putAll(part.notes());
            }
        }
        Map<String, String> all = new HashMap<>(notes);
        all.putAll(unsettledNotes);
        return new Plan(shards.single() ? actions : shards.inOrder(actions), Optional.ofNullable(wake), all);
    }

    /** The names an event touches: the guest node and the resources it is about. */
    public static Set<String> subjects(Event e) {
        return switch (e) {
            case Event.VmSeen v -> Set.of(v.vm());
            case Event.ActionStarted a -> subjects(a.action());
            case Event.ActionFinished f -> subjects(f.action());
            case Event.MonitorResult m -> Set.of(m.service(), m.node());
            case Event.ConnectionLost l -> Set.of(l.node());
            case Event.ClientTakeover t -> Set.of(t.node());
            case Event.ShutdownRequested r -> Set.of(r.node());
            case Event.Cleanup c -> c.node().map(n -> Set.of(c.resource(), n)).orElse(Set.of(c.resource()));
            case Event.HistoryAdopted h -> {
                Set<String> out = new java.util.HashSet<>(h.failures().keySet());
                out.add(h.node());
                yield out;
            }
        };
    }

    /** The names an action touches: its guest node and its resource. */
    public static Set<String> subjects(Action a) {
        return switch (a) {
            case Action.OnService x -> Set.of(x.service(), x.node());
            case Action.OnVm x -> Set.of(x.vm(), x.node());
            default -> Set.of(a.lane());
        };
    }
}
