package io.guestnode.operator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.DefinitionsLoader;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.HostShare;
import io.guestnode.operator.planner.Observed;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.Orphans;
import io.guestnode.operator.planner.ResourceNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Letting go of a guest node that migrates away: nothing in it becomes an orphan to stop, what was observed of it is
 * forgotten, and it is refused while an action on it is in flight or while a service in it would stay with this host.
 */
class LetGoTest {
    static final Instant NOW = Instant.parse("2026-12-02T08:00:00Z");

    static Definitions defs(Path dir, boolean floating) throws Exception {
        StringBuilder cib = new StringBuilder("<configuration><resources>");
        for (String g : List.of("g1", "g2")) {
            Files.writeString(dir.resolve(g + ".xml"), "<domain type='qemu'><name>" + g + "</name></domain>");
            cib.append("""
                    <primitive id="vm-%1$s" class="ocf" provider="heartbeat" type="VirtualDomain">
                      <instance_attributes id="vm-%1$s-ia">
                        <nvpair id="vm-%1$s-c" name="config" value="%2$s"/>
                        <nvpair id="vm-%1$s-h" name="hypervisor" value="qemu:///system"/>
                      </instance_attributes>
                      <meta_attributes id="vm-%1$s-m"><nvpair id="vm-%1$s-rn" name="remote-node" value="%1$s"/>
                      <nvpair id="vm-%1$s-am" name="allow-migrate" value="true"/></meta_attributes>
                    </primitive>
                    <primitive id="dummy-%1$s" class="ocf" provider="pacemaker" type="Dummy"/>
                    """.formatted(g, dir.resolve(g + ".xml")));
        }
        cib.append("</resources><constraints>");
        cib.append("<rsc_location id=\"pin-g1\" rsc=\"dummy-g1\" node=\"g1\" score=\"INFINITY\"/>");
        cib.append("<rsc_location id=\"pin-g2\" rsc=\"dummy-g2\" node=\"g2\" score=\"" + (floating ? "100"
                : "INFINITY") + "\"/>");
        cib.append("</constraints></configuration>");
        DefinitionsLoader.Result r = new DefinitionsLoader("h1").load(List.of(Files.writeString(
                dir.resolve("cib.xml"), cib)));
        assertTrue(r.ok(), r.problems().toString());
        return r.definitions();
    }

    /** Both guests up, each Dummy running in its guest (or, {@code g2InG1}, dummy-g2 in g1). */
    static ObservedState running(Definitions d, boolean g2InG1) {
        ObservedState.Mutable m = ObservedState.EMPTY.edit();
        for (VmResource v : d.vms()) {
            m.vms.put(v.id(), new Observed.Vm(Observed.VmStatus.RUNNING, "running", NOW));
            m.connections.put(v.node(), new Observed.Connection(true, NOW));
        }
        m.services.put(new ResourceNode("dummy-g1", "g1"), new Observed.Service(Observed.ServiceStatus.RUNNING,
                Set.of(10_000L), NOW));
        m.services.put(new ResourceNode("dummy-g2", g2InG1 ? "g1" : "g2"), new Observed.Service(
                Observed.ServiceStatus.RUNNING, Set.of(10_000L), NOW));
        return m.done();
    }

    @Test
    void aLetGoGuestLeavesNothingToStopAndIsForgotten(@TempDir Path dir) throws Exception {
        Definitions d = defs(dir, false);
        ObservedState s = running(d, false);
        VmResource g1 = d.vmOfNode("g1").orElseThrow();
        Definitions next = HostShare.of(d, Set.of("g2"));
        assertEquals(Optional.empty(), LetGo.refusal("g1", g1, s, next));
        ObservedState after = LetGo.forget("g1", g1, s);
        assertEquals(Set.of(new ResourceNode("dummy-g2", "g2")), after.services().keySet());
        assertTrue(after.vm("vm-g1").status() != Observed.VmStatus.RUNNING, "g1's VM forgotten");
        WorkingDefinitions w = new WorkingDefinitions(d);
        w.letGo("g1", LetGo.inside("g1", s), next, after);
        assertEquals(List.of("g2"), w.working().guestNodes(), "g1 is no orphan: nothing of it is stopped");
        assertEquals(List.of("dummy-g2"), w.working().services().stream().map(x -> x.id()).toList());
        // the same share taken as a plain change would have kept g1 and its Dummy, disabled, to stop them
        assertEquals(List.of("g2", "g1"), Orphans.merge(d, next).guestNodes());
    }

    @Test
    void aGuestIsNotLetGoWhileAnActionIsInFlightOrAServiceInItStaysHere(@TempDir Path dir) throws Exception {
        Definitions d = defs(dir, true);
        VmResource g1 = d.vmOfNode("g1").orElseThrow();
        ObservedState.Mutable m = running(d, false).edit();
        m.inFlight.add("svc:dummy-g1@g1");
        assertEquals(Optional.of("an action on g1 or in it is in flight"),
                LetGo.refusal("g1", g1, m.done(), HostShare.of(d, Set.of("g2"))));
        // dummy-g2 only prefers g2: it runs in g1 but belongs to g2's part, which stays here
        ObservedState s = running(d, true);
        Definitions next = HostShare.of(d, Set.of("g2"));
        assertTrue(next.service("dummy-g2").isPresent());
        assertEquals(Optional.of("dummy-g2 runs in g1 but stays with this host"), LetGo.refusal("g1", g1, s, next));
    }

    @Test
    void aServiceStoppedInTheGuestDoesNotKeepItHere(@TempDir Path dir) throws Exception {
        Definitions d = defs(dir, true);
        VmResource g1 = d.vmOfNode("g1").orElseThrow();
        ObservedState.Mutable m = running(d, true).edit();
        // its connection stopped for the migration (remote-allow-migrate=false): dummy-g2 was stopped in g1
        m.services.put(new ResourceNode("dummy-g2", "g1"), new Observed.Service(Observed.ServiceStatus.STOPPED,
                Set.of(), NOW));
        assertEquals(Optional.empty(), LetGo.refusal("g1", g1, m.done(), HostShare.of(d, Set.of("g2"))));
    }

    @Test
    void aConnectionCountsAsStoppedOnlyOnceNothingInItIsActiveOrInFlight(@TempDir Path dir) throws Exception {
        Definitions d = defs(dir, false);
        ObservedState.Mutable m = running(d, false).edit();
        assertEquals(Optional.of("services still run in g1"), LetGo.connectionRunning("g1", m.done()));
        m.services.put(new ResourceNode("dummy-g1", "g1"), new Observed.Service(Observed.ServiceStatus.FAILED,
                Set.of(), NOW));
        assertEquals(Optional.of("services still run in g1"), LetGo.connectionRunning("g1", m.done()),
                "a failed service may still run");
        m.services.put(new ResourceNode("dummy-g1", "g1"), new Observed.Service(Observed.ServiceStatus.STOPPED,
                Set.of(), NOW));
        assertEquals(Optional.of("the connection to g1 is still up"), LetGo.connectionRunning("g1", m.done()));
        m.inFlight.add("conn:g1");
        assertEquals(Optional.of("an action on g1 or in it is in flight"), LetGo.connectionRunning("g1", m.done()));
        m.inFlight.remove("conn:g1");
        m.connections.put("g1", new Observed.Connection(false, NOW));
        assertEquals(Optional.empty(), LetGo.connectionRunning("g1", m.done()));
        assertEquals(Optional.of("services still run in g2"), LetGo.connectionRunning("g2", m.done()));
    }
}
