package io.guestnode.operator.simulate;

import io.guestnode.operator.planner.Overrides;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A CIB run through the planner and printed as {@code crm_simulate -S} prints it: current status, transition
 * summary, revised status.
 */
public record SimulationReport(CibDocument cib, StatusImport.Imported before, Simulation simulation,
                               List<String> summary, ClusterStatus current, ClusterStatus revised) {

    public static SimulationReport of(CibDocument cib, Instant now) {
        var d = cib.definitions();
        StatusImport.Imported before = StatusImport.read(d, cib.status(), now);
        Overrides o = Overrides.NONE.withHostMaintenance(cib.maintenance());
        Simulation sim = Simulation.run(d, before.state(), o, now);
        return new SimulationReport(cib, before, sim, TransitionSummary.lines(d, before, sim),
                ClusterStatus.before(d, before), ClusterStatus.after(d, sim.after()));
    }

    public List<String> text() {
        var d = cib.definitions();
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
