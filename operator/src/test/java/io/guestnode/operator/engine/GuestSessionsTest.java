package io.guestnode.operator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.guestnode.agents.remote.SessionListener;
import io.guestnode.agents.remote.message.ExecResult;
import io.guestnode.agents.remote.message.ExecStatus;
import io.guestnode.operator.planner.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuestSessionsTest {
    private static ExecResult monitor(int rc, ExecStatus status) {
        return new ExecResult(7, "dummy1", "monitor", 60_000, "", rc, status, "", "", 12, 0, false, Map.of());
    }

    /** Healthy recurring monitors change nothing and reach nobody; every other result reaches the control loop. */
    @Test
    void onlyResultsThatMayChangeSomethingBecomeEvents() {
        List<Event> events = new ArrayList<>();
        SessionListener l = new GuestSessions(events::add, n -> true, n -> true).listenerFor("guest1", 5000);
        l.onExecResult(monitor(0, ExecStatus.DONE), true);
        assertEquals(List.of(), events, "a monitor that found its service running");
        l.onExecResult(monitor(7, ExecStatus.DONE), true);
        l.onExecResult(monitor(0, ExecStatus.TIMED_OUT), true);
        l.onExecResult(monitor(1, ExecStatus.ERROR), true);
        assertEquals(List.of(new Event.MonitorResult("dummy1", "guest1", 60_000, 7, "complete", ""),
                new Event.MonitorResult("dummy1", "guest1", 60_000, 0, "Timed Out", ""),
                new Event.MonitorResult("dummy1", "guest1", 60_000, 1, "Error", "")), events);
        l.onExecResult(monitor(7, ExecStatus.DONE), false);
        assertEquals(3, events.size(), "a result of another client's call is not ours");
    }
}
