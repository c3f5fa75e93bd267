package io.guestnode.operator.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.planner.Action;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.Overrides;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code guestnode simulate --live} starts from the daemon's observed state: the same state read from a CIB's status
 * gives the same transition summary either way, and what the daemon has in flight is planned again.
 */
class LiveImportTest {
    static Path resource(String name) throws Exception {
        return Path.of(LiveImportTest.class.getResource("/simulate/" + name).toURI());
    }

    @ParameterizedTest
    @CsvSource({"vm-failed, 2026-06-01T00:00:30Z", "connection-failed, 2026-06-01T01:00:00Z"})
    void theDaemonsStateGivesTheSameSummaryAsTheCibItCameFrom(String name, String at) throws Exception {
        CibDocument cib = CibDocument.read(resource(name + ".xml"));
        Definitions d = cib.definitions();
        Instant now = Instant.parse(at);
        ObservedState observed = StatusImport.read(d, cib.status(), now).state();
        SimulationReport live = SimulationReport.of(d, LiveImport.of(d, observed), Overrides.NONE, now);
        assertEquals(SimulationReport.of(cib, now).summary(), live.summary());
        assertTrue(!live.summary().isEmpty(), "something to do: " + live.text());
    }

    /** What the daemon is about to verify after a reconnection (UNVERIFIED) runs as far as the report goes. */
    @Test
    void whatIsToBeVerifiedCountsAsRunning() throws Exception {
        CibDocument cib = CibDocument.read(resource("expired-blocking-failure.xml"));
        Definitions d = cib.definitions();
        Instant now = Instant.parse("2026-06-01T01:00:00Z");
        ObservedState observed = StatusImport.read(d, cib.status(), now).state();
        ObservedState.Mutable m = observed.edit();
        observed.services().forEach((rn, svc) -> {
            if (svc.status() == io.guestnode.operator.planner.Observed.ServiceStatus.RUNNING) {
                m.services.put(rn, new io.guestnode.operator.planner.Observed.Service(
                        io.guestnode.operator.planner.Observed.ServiceStatus.UNVERIFIED, svc.monitors(), svc.since()));
            }
        });
        SimulationReport live = SimulationReport.of(d, LiveImport.of(d, m.done()), Overrides.NONE, now);
        assertEquals(List.of(), live.summary(), String.join("\n", live.text()));
        assertTrue(live.simulation().actions().stream().noneMatch(a -> a instanceof Action.Probe
                || a instanceof Action.StartService), "neither probed nor started again: " + live.simulation().actions());
    }

    /** A service to restart in place after its guest's fence, not verified yet: the report shows its start. */
    @Test
    void whatIsToRestartAfterAFenceIsShownStarting() throws Exception {
        CibDocument cib = CibDocument.read(resource("expired-blocking-failure.xml"));
        Definitions d = cib.definitions();
        Instant now = Instant.parse("2026-06-01T01:00:00Z");
        ObservedState observed = StatusImport.read(d, cib.status(), now).state();
        ObservedState.Mutable m = observed.edit();
        var k = new io.guestnode.operator.planner.ResourceNode("rsc3", "guest3");
        var was = observed.services().get(k);
        m.services.put(k, new io.guestnode.operator.planner.Observed.Service(
                io.guestnode.operator.planner.Observed.ServiceStatus.UNVERIFIED, Set.of(), was.since(), true));
        SimulationReport live = SimulationReport.of(d, LiveImport.of(d, m.done()), Overrides.NONE, now);
        assertTrue(live.summary().stream().anyMatch(l -> l.startsWith("Start") && l.contains("rsc3")
                && l.contains("guest3")), String.join("\n", live.text()));
    }

    @Test
    void actionsInFlightArePlannedAgain() throws Exception {
        CibDocument cib = CibDocument.read(resource("vm-failed.xml"));
        Definitions d = cib.definitions();
        Instant now = Instant.parse("2026-06-01T00:00:30Z");
        ObservedState observed = StatusImport.read(d, cib.status(), now).state();
        ObservedState.Mutable m = observed.edit();
        List<Action> first = io.guestnode.operator.planner.Planner.plan(d, observed, Overrides.NONE, now).actions();
        first.forEach(a -> m.inFlight.add(a.key()));
        ObservedState busy = m.done();
        assertTrue(!busy.inFlight().isEmpty());
        SimulationReport live = SimulationReport.of(d, LiveImport.of(d, busy), Overrides.NONE, now);
        assertEquals(SimulationReport.of(cib, now).summary(), live.summary());
    }
}
