package io.guestnode.operator.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.operator.definitions.Agent;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.DomainRef;
import io.guestnode.operator.definitions.GuestConnection;
import io.guestnode.operator.definitions.Group;
import io.guestnode.operator.definitions.LocationRule;
import io.guestnode.operator.definitions.OpDef;
import io.guestnode.operator.definitions.OrderRule;
import io.guestnode.operator.definitions.ResourceMeta;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.definitions.Score;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.definitions.SourceLocation;
import io.guestnode.operator.definitions.VmResource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The incremental planner gives exactly what planning everything gives, after every step of random histories on
 * random clusters: pinned services, groups, orders and colocations across guests, services that prefer no guest, failures,
 * maintenance and disabled resources, tight limits.
 */
class IncrementalPlannerTest {
    private static final SourceLocation AT = new SourceLocation(Path.of("random.xml"), 1);
    private static final OpDef MONITOR = new OpDef("monitor", Duration.ofSeconds(10), Duration.ofSeconds(20),
            Optional.empty(), true, Map.of(), AT);

    @Test
    void givesWhatPlanningEverythingGives() {
        int steps = 0;
        int partial = 0;
        for (long seed = 1; seed <= 300; seed++) {
            Random r = new Random(seed);
            Definitions d = definitions(r);
            HostPolicy policy = new HostPolicy(1 + r.nextInt(3), Duration.ofSeconds(60), 1 + r.nextInt(3));
            Overrides o = Overrides.NONE;
            ObservedState s = ObservedState.EMPTY;
            Instant now = Instant.parse("2026-01-01T00:00:00Z");
            IncrementalPlanner inc = new IncrementalPlanner();
            IncrementalPlanner.Touched touched = new IncrementalPlanner.Touched();
            for (int step = 0; step < 60; step++) {
                Plan expected = Planner.plan(d, s, o, policy, now);
                Plan actual = inc.plan(d, s, o, policy, now, touched);
                assertEquals(expected, actual, "seed " + seed + ", step " + step);
                touched.clear();
                steps++;
                for (Action a : actual.actions()) { // the engine starts what the plan asks
                    if (!s.busy(a.key())) {
                        s = fold(d, o, s, new Event.ActionStarted(a), now, touched);
                    }
                }
                now = now.plusMillis(r.nextInt(20_000));
                if (r.nextInt(25) == 0) {
                    o = overrides(r, d, o);
                }
                for (int n = r.nextInt(3); n >= 0; n--) {
                    s = fold(d, o, s, event(r, d, s), now, touched);
                }
                if (!touched.names().isEmpty() && touched.names().size() < d.vms().size()) {
                    partial++;
                }
            }
        }
        assertTrue(partial > steps / 4, "most steps touch only part of the cluster: " + partial + " of " + steps);
    }

    private static ObservedState fold(Definitions d, Overrides o, ObservedState s, Event e, Instant now,
                                      IncrementalPlanner.Touched touched) {
        IncrementalPlanner.subjects(e).forEach(touched::add);
        return StateReducer.apply(d, o, s, e, now);
    }

    private static Event event(Random r, Definitions d, ObservedState s) {
        List<String> inFlight = new ArrayList<>(s.inFlight());
        VmResource vm = d.vms().get(r.nextInt(d.vms().size()));
        Service svc = d.services().get(r.nextInt(d.services().size()));
        return switch (r.nextInt(9)) {
            case 0, 1, 2 -> finish(r, d, s);
            case 3 -> new Event.VmSeen(vm.id(), Observed.VmStatus.values()[r.nextInt(3)], "seen");
            case 4 -> new Event.MonitorResult(svc.id(), vm.node(), 10_000, List.of(0, 7, 1).get(r.nextInt(3)),
                    "complete", "");
            case 5 -> new Event.ConnectionLost(vm.node(), "lost", 10_000);
            case 6 -> new Event.ShutdownRequested(vm.node());
            case 7 -> new Event.Cleanup(r.nextBoolean() ? svc.id() : vm.id(), Optional.empty());
            default -> inFlight.isEmpty() ? new Event.VmSeen(vm.id(), Observed.VmStatus.RUNNING, "seen")
                    : finish(r, d, s);
        };
    }

    /** An action in flight finishes, most often well. */
    private static Event finish(Random r, Definitions d, ObservedState s) {
        List<Action> running = new ArrayList<>();
        for (VmResource v : d.vms()) {
            String g = v.node();
            if (s.busy("vm:" + v.id())) {
                running.add(s.vm(v.id()).status() == Observed.VmStatus.RUNNING
                        ? new Action.StopVm(v.id(), g, d.hostNode(), "") : new Action.StartVm(v.id(), g, d.hostNode(), ""));
            }
            if (s.busy("conn:" + g)) {
                running.add(s.connection(g).up() ? new Action.Disconnect(g, "") : new Action.Connect(g, ""));
            }
            for (Service x : d.services()) {
                if (s.busy(Planner.key(x.id(), g))) {
                    running.add(s.service(x.id(), g).isEmpty() ? new Action.Probe(x.id(), g, "")
                            : s.service(x.id(), g).get().active() ? new Action.StopService(x.id(), g, "")
                            : new Action.StartService(x.id(), g, ""));
                }
            }
        }
        if (running.isEmpty()) {
            VmResource v = d.vms().get(r.nextInt(d.vms().size()));
            return new Event.VmSeen(v.id(), Observed.VmStatus.STOPPED, "seen");
        }
        Action a = running.get(r.nextInt(running.size()));
        if (a instanceof Action.Probe) {
            return new Event.ActionFinished(a, true, r.nextInt(4) == 0 ? 0 : 7, "complete", "");
        }
        return r.nextInt(6) == 0 ? Event.ActionFinished.failed(a, "Error", "failed") : Event.ActionFinished.ok(a);
    }

    private static Overrides overrides(Random r, Definitions d, Overrides o) {
        VmResource vm = d.vms().get(r.nextInt(d.vms().size()));
        return switch (r.nextInt(3)) {
            case 0 -> o.withMaintenance(vm.node(), !o.maintenanceGuests().contains(vm.node()));
            case 1 -> o.withTargetRole(vm.id(), o.targetRoles().get(vm.id()) == TargetRole.STOPPED
                    ? TargetRole.STARTED : TargetRole.STOPPED);
            default -> o.withTargetRole(d.services().get(0).id(), TargetRole.STOPPED);
        };
    }

    /** 1-6 guests, 1-3 services each, mostly pinned to their guest; some groups, orders and unpinned services. */
    static Definitions definitions(Random r) {
        int guests = 1 + r.nextInt(6);
        List<VmResource> vms = new ArrayList<>();
        List<Service> services = new ArrayList<>();
        List<Group> groups = new ArrayList<>();
        List<LocationRule> locations = new ArrayList<>();
        List<OrderRule> orders = new ArrayList<>();
        boolean anyUnpinned = r.nextInt(5) == 0;
        for (int g = 0; g < guests; g++) {
            String node = "g" + g;
            ResourceMeta vmMeta = new ResourceMeta(TargetRole.STARTED, true, false, 1 + r.nextInt(3),
                    Duration.ofSeconds(r.nextInt(2) * 60), 0, 0, false);
            vms.add(new VmResource("vm-" + node, new Agent("ocf", "heartbeat", "VirtualDomain"),
                    new DomainRef("lxc:///", Path.of(node + ".xml"), node, "<domain/>", true, ""),
                    new GuestConnection(node, "10.250.0." + (g + 2), 3121, Duration.ofSeconds(60), true,
                            Duration.ofSeconds(5), Duration.ofSeconds(10)), vmMeta, List.of(), Map.of(), AT));
            int n = 1 + r.nextInt(3);
            boolean grouped = n > 1 && r.nextBoolean();
            List<String> members = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = "s-" + node + "-" + i;
                ResourceMeta meta = new ResourceMeta(TargetRole.STARTED, true, false, 1 + r.nextInt(3),
                        Duration.ZERO, r.nextInt(2) * 100, 0, false);
                services.add(new Service(id, new Agent("ocf", "pacemaker", "Dummy"), new LinkedHashMap<>(), meta,
                        List.of(MONITOR), grouped ? Optional.of("grp-" + node) : Optional.empty(), AT));
                members.add(id);
                if (!grouped && !(anyUnpinned && i == 0 && g == 0)) {
                    locations.add(new LocationRule("l-" + id, id, node, Score.PLUS_INFINITY, AT));
                }
            }
            if (grouped) {
                groups.add(new Group("grp-" + node, members, AT));
                locations.add(new LocationRule("l-grp-" + node, "grp-" + node, node, new Score(100), AT));
            }
        }
        if (guests > 1 && r.nextBoolean()) {
            String first = services.get(0).id();
            String then = services.get(services.size() - 1).id();
            orders.add(new OrderRule("o1", first, then, OrderRule.Kind.MANDATORY, true, AT));
        }
        // a colocation across two guests' services in some clusters (its own draw: the rest stays as it was)
        List<io.guestnode.operator.definitions.ColocationRule> colocations = new ArrayList<>();
        Random rc = new Random(services.size() * 7919L + guests);
        if (guests > 1 && rc.nextInt(3) == 0) {
            Score score = List.of(Score.PLUS_INFINITY, Score.MINUS_INFINITY, new Score(50)).get(rc.nextInt(3));
            colocations.add(new io.guestnode.operator.definitions.ColocationRule("c1",
                    services.get(services.size() - 1).group().orElse(services.get(services.size() - 1).id()),
                    services.get(0).group().orElse(services.get(0).id()), score, AT));
        }
        return new Definitions("host1", vms, services, groups, locations, orders, Set.of(), -1, colocations, List.of());
    }
}
