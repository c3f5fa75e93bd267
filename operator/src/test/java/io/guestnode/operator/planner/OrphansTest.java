package io.guestnode.operator.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.DefinitionsLoader;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A VM resource removed from the definitions is stopped in order (services, connection, VM), then forgotten. */
class OrphansTest {
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    Definitions load(Path dir, String cib) throws Exception {
        Path f = Files.writeString(dir.resolve("d" + System.nanoTime() + ".xml"), cib);
        DefinitionsLoader.Result r = new DefinitionsLoader("host1").load(List.of(f));
        assertEquals(0, r.errors(), r.problems().toString());
        return r.definitions();
    }

    static String vm(Path dir, String n) throws Exception {
        Path c = Files.writeString(dir.resolve(n + ".xml"), "<domain type='lxc'><name>" + n + "</name></domain>");
        return "<primitive id=\"vm-" + n + "\" class=\"ocf\" provider=\"heartbeat\" type=\"VirtualDomain\">"
                + "<instance_attributes id=\"" + n + "-i\"><nvpair id=\"" + n + "-c\" name=\"config\" value=\"" + c
                + "\"/></instance_attributes><meta_attributes id=\"" + n + "-m\"><nvpair id=\"" + n
                + "-r\" name=\"remote-node\" value=\"" + n + "\"/></meta_attributes></primitive>";
    }

    @Test
    void removedGuestIsStoppedInOrderThenForgotten(@TempDir Path dir) throws Exception {
        Definitions before = load(dir, "<configuration><resources>" + vm(dir, "guest1") + vm(dir, "guest2")
                + "<primitive id=\"d2\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\"/></resources><constraints>"
                + "<rsc_location id=\"l\" rsc=\"d2\" node=\"guest2\" score=\"INFINITY\"/>"
                + "<rsc_location id=\"l1\" rsc=\"d2\" node=\"guest1\" score=\"-INFINITY\"/></constraints></configuration>");
        Definitions after = load(dir, "<resources>" + vm(dir, "guest1") + "</resources>");
        ObservedState.Mutable m = ObservedState.EMPTY.edit();
        m.vms.put("vm-guest1", new Observed.Vm(Observed.VmStatus.RUNNING, "", NOW));
        m.vms.put("vm-guest2", new Observed.Vm(Observed.VmStatus.RUNNING, "", NOW));
        m.connections.put("guest1", new Observed.Connection(true, NOW));
        m.connections.put("guest2", new Observed.Connection(true, NOW));
        m.services.put(new ResourceNode("d2", "guest2"), new Observed.Service(Observed.ServiceStatus.RUNNING,
                java.util.Set.of(), NOW));
        m.services.put(new ResourceNode("d2", "guest1"), new Observed.Service(Observed.ServiceStatus.STOPPED,
                java.util.Set.of(), NOW));
        ObservedState s = m.done();

        Definitions working = Orphans.prune(Orphans.merge(before, after), after, s);
        assertEquals(TargetRole.STOPPED, working.vm("vm-guest2").orElseThrow().meta().targetRole());
        assertEquals(List.of("stop d2 on guest2"), plan(working, s));

        s = set(s, m2 -> m2.services.put(new ResourceNode("d2", "guest2"), new Observed.Service(
                Observed.ServiceStatus.STOPPED, java.util.Set.of(), NOW)));
        working = Orphans.prune(working, after, s);
        assertEquals(List.of("disconnect guest2"), plan(working, s));

        s = set(s, m2 -> m2.connections.put("guest2", new Observed.Connection(false, NOW)));
        assertEquals(List.of("stop vm-guest2 on host1"), plan(working, s));

        s = set(s, m2 -> m2.vms.put("vm-guest2", new Observed.Vm(Observed.VmStatus.STOPPED, "", NOW)));
        working = Orphans.prune(working, after, s);
        assertEquals(List.of("vm-guest1"), working.vms().stream().map(v -> v.id()).toList(), "forgotten once stopped");
        assertEquals(List.of(), working.services());
    }

    static List<String> plan(Definitions d, ObservedState s) {
        return Planner.plan(d, s, Overrides.NONE, NOW).actions().stream().map(Action::toString).toList();
    }

    static ObservedState set(ObservedState s, java.util.function.Consumer<ObservedState.Mutable> f) {
        ObservedState.Mutable m = s.edit();
        f.accept(m);
        return m.done();
    }
}
