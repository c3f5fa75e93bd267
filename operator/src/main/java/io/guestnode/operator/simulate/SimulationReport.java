package io.guestnode.operator.simulate;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.planner.Action;
import io.guestnode.operator.planner.Overrides;
import io.guestnode.operator.planner.ResourceNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A CIB run through the planner and printed as {@code crm_simulate -S} prints it: current status, transition
 * summary, revised status.
 */
public record SimulationReport(Definitions definitions, StatusImport.Imported before, Simulation simulation,
                               List<String> summary, ClusterStatus current, ClusterStatus revised) {

    /** A CIB with its status, simulated at {@code now}. */
    public static SimulationReport of(CibDocument cib, Instant now) {
        var d = cib.definitions();
        return of(d, StatusImport.read(d, cib.status(), now), Overrides.NONE.withHostMaintenance(cib.maintenance()),
                now);
    }

    /** What {@code before} becomes under {@code o} at {@code now}, every action succeeding. */
    public static SimulationReport of(Definitions d, StatusImport.Imported before, Overrides o, Instant now) {
        Simulation sim = Simulation.run(d, before.state(), o, now);
        return new SimulationReport(d, before, sim, TransitionSummary.lines(d, before, sim,
                        BlockedStarts.of(d, o, sim, now)),
                ClusterStatus.before(d, before), ClusterStatus.after(d, sim.after(), untouched(d, before, sim)));
    }

    /** The services of {@code before}'s expired failures that the simulation neither started nor stopped, nor their guest. */
    private static Set<ResourceNode> untouched(Definitions d, StatusImport.Imported before, Simulation sim) {
        Set<String> touched = new HashSet<>();
        for (Action a : sim.actions()) {
            switch (a) {
                // the recurring monitors the import does not know of are started again: no action on the service
                case Action.StartService o -> touched.add(o.service() + "@" + o.node());
                case Action.StopService o -> touched.add(o.service() + "@" + o.node());
                case Action.Fence f -> touched.add("@" + f.node());
                case Action.StopVm v -> touched.add("@" + v.node());
                default -> {
                }
            }
        }
        return before.expiredFailures().stream().filter(k -> !touched.contains(k.resource() + "@" + k.node())
                && !touched.contains("@" + k.node())).collect(Collectors.toSet());
    }

    public List<String> text() {
        var d = definitions;
        List<String> out = new ArrayList<>();
        out.add("Current cluster status:");
        out.addAll(current.text(d));
        out.add("");
        out.add("Transition Summary:");
        summary.forEach(l -> out.add("  * " + l));
        if (!simulation.settled()) {
            out.add("  (the planner had not settled after " + Simulation.MAX_ROUNDS + " rounds)");
        }
        out.add("");
        out.add("Revised Cluster Status:");
        out.addAll(revised.text(d));
        return out;
    }
}
