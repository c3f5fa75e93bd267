package io.guestnode.operator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.DefinitionsLoader;
import io.guestnode.operator.planner.Observed;
import io.guestnode.operator.planner.Observed.ServiceStatus;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.ResourceNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusViewTest {
    static final String CIB = """
            <resources>
              <primitive id="vm1" class="ocf" provider="pacemaker" type="Dummy">
                <meta_attributes id="vm1-m"><nvpair id="vm1-rn" name="remote-node" value="guest1"/></meta_attributes>
              </primitive>
              <primitive id="vm2" class="ocf" provider="pacemaker" type="Dummy">
                <meta_attributes id="vm2-m"><nvpair id="vm2-rn" name="remote-node" value="guest2"/></meta_attributes>
              </primitive>
              <clone id="ping-clone">
                <primitive id="ping" class="ocf" provider="pacemaker" type="Dummy"/>
              </clone>
              <primitive id="app" class="ocf" provider="pacemaker" type="Dummy"/>
            </resources>
            """;

    @Test
    void aCloneShowsEachInstanceAndAServiceItsOnePlace(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("cib.xml"), CIB);
        DefinitionsLoader.Result r = new DefinitionsLoader("host1", DefinitionsLoader.Purpose.MODEL).load(List.of(f));
        assertTrue(r.ok(), r.problems().toString());
        Definitions d = r.definitions();
        Instant now = Instant.parse("2026-12-03T00:00:00Z");
        ObservedState.Mutable m = ObservedState.EMPTY.edit();
        m.services.put(new ResourceNode("ping", "guest1"), new Observed.Service(ServiceStatus.RUNNING, Set.of(), now));
        m.services.put(new ResourceNode("ping", "guest2"), new Observed.Service(ServiceStatus.FAILED, Set.of(), now));
        m.services.put(new ResourceNode("app", "guest1"), new Observed.Service(ServiceStatus.STOPPED, Set.of(), now));
        m.services.put(new ResourceNode("app", "guest2"), new Observed.Service(ServiceStatus.RUNNING, Set.of(), now));
        ObservedState s = m.done();
        assertEquals(List.of(new StatusView.ResourceView("ping", "ocf:pacemaker:Dummy", "Started", "guest1", false),
                        new StatusView.ResourceView("ping", "ocf:pacemaker:Dummy", "FAILED", "guest2", false)),
                StatusView.serviceRows(d, s, d.service("ping").orElseThrow(), false));
        assertEquals(List.of(new StatusView.ResourceView("app", "ocf:pacemaker:Dummy", "Started", "guest2", true)),
                StatusView.serviceRows(d, s, d.service("app").orElseThrow(), true));
        assertEquals(List.of(new StatusView.ResourceView("ping", "ocf:pacemaker:Dummy", "Stopped", "", false)),
                StatusView.serviceRows(d, ObservedState.EMPTY, d.service("ping").orElseThrow(), false));
    }

    /** A service in two guest nodes shows both, and one not probed since its connection came back is not Stopped. */
    @Test
    void aServiceActiveTwiceShowsBothAndAnUnverifiedOneIsUnknown(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("cib.xml"), CIB);
        Definitions d = new DefinitionsLoader("host1", DefinitionsLoader.Purpose.MODEL).load(List.of(f)).definitions();
        Instant now = Instant.parse("2026-12-03T00:00:00Z");
        ObservedState.Mutable m = ObservedState.EMPTY.edit();
        m.services.put(new ResourceNode("app", "guest1"), new Observed.Service(ServiceStatus.RUNNING, Set.of(), now));
        m.services.put(new ResourceNode("app", "guest2"), new Observed.Service(ServiceStatus.RUNNING, Set.of(), now));
        m.services.put(new ResourceNode("ping", "guest2"), new Observed.Service(ServiceStatus.UNVERIFIED, Set.of(),
                now));
        ObservedState s = m.done();
        assertEquals(List.of(new StatusView.ResourceView("app", "ocf:pacemaker:Dummy", "Started", "guest1", false),
                        new StatusView.ResourceView("app", "ocf:pacemaker:Dummy", "Started", "guest2", false)),
                StatusView.serviceRows(d, s, d.service("app").orElseThrow(), false));
        assertEquals(List.of(new StatusView.ResourceView("ping", "ocf:pacemaker:Dummy", "Unknown", "guest2", false)),
                StatusView.serviceRows(d, s, d.service("ping").orElseThrow(), false));
    }
}
