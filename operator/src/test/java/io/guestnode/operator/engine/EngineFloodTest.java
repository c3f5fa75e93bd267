package io.guestnode.operator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.agents.domain.LibvirtDomainAgent;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.planner.Action;
import io.guestnode.operator.planner.Event;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.Overrides;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One guest's flood of events neither replans once per event nor queues without bound. */
class EngineFloodTest {
    /** An engine with nothing defined, once it has made its first plan. */
    private static Engine planned(LibvirtDomainAgent domains) throws InterruptedException {
        Engine engine = new Engine(Definitions.empty("host1"), ObservedState.EMPTY, Overrides.NONE, List.of(), domains,
                () -> null, Clock.systemUTC(), s -> { });
        engine.call(e -> null);
        engine.call(e -> null); // taken in a later batch than the first, so after the first plan
        return engine;
    }

    @Test
    void aFloodOfEventsIsFoldedIntoFewPlans() throws Exception {
        try (LibvirtDomainAgent domains = new LibvirtDomainAgent(); Engine engine = planned(domains)) {
            long before = engine.snapshot().seq();
            int n = 20_000;
            Action connect = new Action.Connect("guest1", "flood");
            for (int i = 0; i < n; i++) { // each one changes the state
                engine.submit(i % 2 == 0 ? new Event.ActionStarted(connect) : Event.ActionFinished.ok(connect));
            }
            engine.call(e -> null); // the loop has taken everything submitted before
            long plans = engine.snapshot().seq() - before;
            assertTrue(plans >= 1 && plans <= n / 100, n + " events made " + plans + " plans");
        }
    }

    @Test
    void eventsThatChangeNothingPlanNothing() throws Exception {
        try (LibvirtDomainAgent domains = new LibvirtDomainAgent(); Engine engine = planned(domains)) {
            long before = engine.snapshot().seq();
            for (int i = 0; i < 1000; i++) {
                engine.submit(new Event.MonitorResult("dummy1", "guest1", 1000, 0, "complete", ""));
            }
            engine.call(e -> null);
            assertEquals(before, engine.snapshot().seq(), "no plan for events that left the state as it was");
        }
    }

    @Test
    void eachSourceHasABoundedShareOfTheInbox() {
        InboxGate gate = new InboxGate();
        for (int i = 0; i < InboxGate.PER_SOURCE; i++) {
            assertTrue(gate.admit("monitors guest1"));
        }
        assertFalse(gate.admit("monitors guest1"), "the flooding source is cut off");
        assertTrue(gate.admit("monitors guest2"), "other sources are not");
        assertEquals(1, gate.dropped());
        gate.taken("monitors guest1");
        assertTrue(gate.admit("monitors guest1"), "once the loop has taken one, one more may wait");
    }
}
