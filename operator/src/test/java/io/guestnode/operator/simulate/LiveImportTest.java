package io.guestnode.operator.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.planner.Action;
import io.guestnode.operator.planner.Observed;
import io.guestnode.operator.planner.Observed.ServiceStatus;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.Overrides;
import io.guestnode.operator.planner.Planner;
import io.guestnode.operator.planner.ResourceNode;
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

    /** A CIB of {@code simulate/}, the time it is simulated at, and its status read as the daemon's state. */
    record Read(CibDocument cib, Definitions d, Instant now, ObservedState observed) {
        static Read of(String name, String at) throws Exception {
            CibDocument cib = CibDocument.read(resource(name + ".xml"));
            Instant now = Instant.parse(at);
            return new Read(cib, cib.definitions(), now, StatusImport.read(cib.definitions(), cib.status(), now)
                    .state());
        }

        /** The report {@code simulate --live} gives when the daemon's state is {@code state}. */
        SimulationReport live(ObservedState state) {
            return SimulationReport.of(d, LiveImport.of(d, state), Overrides.NONE, now);
        }
    }

    @ParameterizedTest
    @CsvSource({"vm-failed, 2026-06-01T00:00:30Z", "connection-failed, 2026-06-01T01:00:00Z"})
    void theDaemonsStateGivesTheSameSummaryAsTheCibItCameFrom(String name, String at) throws Exception {
        Read r = Read.of(name, at);
        ObservedState observed = r.observed();
        SimulationReport live = r.live(observed);
        assertEquals(SimulationReport.of(r.cib(), r.now()).summary(), live.summary());
        assertTrue(!live.summary().isEmpty(), "something to do: " + live.text());
    }

    /** What the daemon is about to verify after a reconnection (UNVERIFIED) runs as far as the report goes. */
    @Test
    void whatIsToBeVerifiedCountsAsRunning() throws Exception {
        Read r = Read.of("expired-blocking-failure", "2026-06-01T01:00:00Z");
        ObservedState observed = r.observed();
        ObservedState.Mutable m = observed.edit();
        observed.services().forEach((rn, svc) -> {
            if (svc.status() == ServiceStatus.RUNNING) {
                m.services.put(rn, new Observed.Service(
                        ServiceStatus.UNVERIFIED, svc.monitors(), svc.since()));
            }
        });
        SimulationReport live = r.live(m.done());
        assertEquals(List.of(), live.summary(), String.join("\n", live.text()));
        assertTrue(live.simulation().actions().stream().noneMatch(a -> a instanceof Action.Probe
                || a instanceof Action.StartService), "neither probed nor started again: " + live.simulation().actions());
    }

    /** A service to restart in place after its guest's fence, not verified yet: the report shows its start. */
    @Test
    void whatIsToRestartAfterAFenceIsShownStarting() throws Exception {
        Read r = Read.of("expired-blocking-failure", "2026-06-01T01:00:00Z");
        ObservedState observed = r.observed();
        ObservedState.Mutable m = observed.edit();
        var k = new ResourceNode("rsc3", "guest3");
        var was = observed.services().get(k);
        m.services.put(k, new Observed.Service(
                ServiceStatus.UNVERIFIED, Set.of(), was.since(), true));
        SimulationReport live = r.live(m.done());
        assertTrue(live.summary().stream().anyMatch(l -> l.startsWith("Start") && l.contains("rsc3")
                && l.contains("guest3")), String.join("\n", live.text()));
    }

    @Test
    void actionsInFlightArePlannedAgain() throws Exception {
        Read r = Read.of("vm-failed", "2026-06-01T00:00:30Z");
        ObservedState observed = r.observed();
        ObservedState.Mutable m = observed.edit();
        List<Action> first = Planner.plan(r.d(), observed, Overrides.NONE, r.now()).actions();
        first.forEach(a -> m.inFlight.add(a.key()));
        ObservedState busy = m.done();
        assertTrue(!busy.inFlight().isEmpty());
        SimulationReport live = r.live(busy);
        assertEquals(SimulationReport.of(r.cib(), r.now()).summary(), live.summary());
    }
}
