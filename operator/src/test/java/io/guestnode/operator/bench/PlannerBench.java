package io.guestnode.operator.bench;

import io.guestnode.operator.definitions.Agent;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.DomainRef;
import io.guestnode.operator.definitions.GuestConnection;
import io.guestnode.operator.definitions.LocationRule;
import io.guestnode.operator.definitions.OpDef;
import io.guestnode.operator.definitions.ResourceMeta;
import io.guestnode.operator.definitions.Score;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.definitions.SourceLocation;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.Event;
import io.guestnode.operator.planner.HostPolicy;
import io.guestnode.operator.planner.IncrementalPlanner;
import io.guestnode.operator.planner.Observed;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.Overrides;
import io.guestnode.operator.planner.Plan;
import io.guestnode.operator.planner.Planner;
import io.guestnode.operator.planner.ResourceNode;
import io.guestnode.operator.planner.StateReducer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The planner alone, among N guests with 3 services each: the whole plan of the start of every guest (everything
 * stopped), of the steady state and of the recovery of one guest; and what the control loop pays for one event
 * (folding it into the state, then planning again the part of the cluster it touched). Run by bin/bench (its planner
 * option).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PlannerBench {
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Param({"10000"})
    public int guests;

    Definitions defs;
    ObservedState allStopped;
    ObservedState servicesProbed;
    ObservedState oneLost;

    @Setup
    public void setUp() {
        defs = definitions(guests, 3);
        ObservedState.Mutable m = ObservedState.EMPTY.edit();
        for (VmResource v : defs.vms()) {
            m.vms.put(v.id(), new Observed.Vm(Observed.VmStatus.STOPPED, "", NOW));
        }
        allStopped = m.done();
        ObservedState.Mutable p = ObservedState.EMPTY.edit();
        for (VmResource v : defs.vms()) {
            p.vms.put(v.id(), new Observed.Vm(Observed.VmStatus.RUNNING, "", NOW));
            p.connections.put(v.node(), new Observed.Connection(true, NOW));
        }
        ObservedState.Mutable r = p.done().edit();
        for (Service s : defs.services()) {
            for (VmResource v : defs.vms()) {
                boolean home = s.id().startsWith("svc-" + v.node() + "-");
                if (home) {
                    r.services.put(new ResourceNode(s.id(), v.node()), new Observed.Service(
                            Observed.ServiceStatus.RUNNING, Set.of(10_000L), NOW));
                }
            }
        }
        ObservedState running = r.done();
        oneLost = StateReducer.apply(defs, Overrides.NONE, running, new Event.ConnectionLost("g42", "Lost connection", 5000), NOW);
        servicesProbed = running;
        prime();
    }

    /** Services pinned to their guest with -INFINITY elsewhere, as large deployments declare them. */
    static Definitions definitions(int guests, int perGuest) {
        List<VmResource> vms = new ArrayList<>();
        List<Service> services = new ArrayList<>();
        List<LocationRule> locations = new ArrayList<>();
        SourceLocation at = new SourceLocation(Path.of("bench.xml"), 1);
        OpDef mon = new OpDef("monitor", Duration.ofSeconds(10), Duration.ofSeconds(20), Optional.empty(), true,
                Map.of(), at);
        for (int g = 0; g < guests; g++) {
            String node = "g" + g;
            vms.add(new VmResource("vm-" + node, new Agent("ocf", "heartbeat", "VirtualDomain"),
                    new DomainRef("lxc:///", Path.of("/etc/guestnode/domains", node + ".xml"), node, "<domain/>", true, ""),
                    new GuestConnection(node, "10.250." + (g / 250) + "." + (g % 250 + 2), 3121,
                            Duration.ofSeconds(60), true, Duration.ofSeconds(5), Duration.ofSeconds(10)),
                    ResourceMeta.DEFAULT, List.of(), Map.of(), at));
            for (int s = 0; s < perGuest; s++) {
                String id = "svc-" + node + "-" + s;
                services.add(new Service(id, new Agent("ocf", "pacemaker", "Dummy"), new LinkedHashMap<>(),
                        ResourceMeta.DEFAULT, List.of(mon), Optional.empty(), at));
                locations.add(new LocationRule("l-" + id, id, node, Score.PLUS_INFINITY, at));
            }
        }
        return new Definitions("host1", vms, services, List.of(), locations, List.of(), Set.of());
    }

    /** The control loop's planner, primed with the steady state, as it is between events. */
    IncrementalPlanner incremental;
    int next;

    private void prime() {
        incremental = new IncrementalPlanner();
        IncrementalPlanner.Touched all = new IncrementalPlanner.Touched();
        all.all();
        incremental.plan(defs, servicesProbed, Overrides.NONE, HostPolicy.DEFAULT, NOW, all);
    }

    /**
     * What the control loop does for one event among all the guests: fold it into the state and plan again. Each
     * call loses a different guest's connection, from the steady state.
     */
    @Benchmark
    public Plan oneConnectionLostAmongAll() {
        String node = "g" + (next++ % guests);
        return afterEvent(new Event.ConnectionLost(node, "Lost connection", 5000));
    }

    /** The same for a service's monitor finding it stopped. */
    @Benchmark
    public Plan oneMonitorFailureAmongAll() {
        String node = "g" + (next++ % guests);
        return afterEvent(new Event.MonitorResult("svc-" + node + "-1", node, 10_000, 7, "complete", "not running"));
    }

    private Plan afterEvent(Event e) {
        ObservedState s = StateReducer.apply(defs, Overrides.NONE, servicesProbed, e, NOW);
        IncrementalPlanner.Touched touched = new IncrementalPlanner.Touched();
        IncrementalPlanner.subjects(e).forEach(touched::add);
        return incremental.plan(defs, s, Overrides.NONE, HostPolicy.DEFAULT, NOW, touched);
    }

    @Benchmark
    public Plan startOfAllGuests() {
        return Planner.plan(defs, allStopped, Overrides.NONE, NOW);
    }

    @Benchmark
    public Plan steadyState() {
        return Planner.plan(defs, servicesProbed, Overrides.NONE, NOW);
    }

    @Benchmark
    public Plan recoveryOfOneGuest() {
        return Planner.plan(defs, oneLost, Overrides.NONE, NOW);
    }
}
