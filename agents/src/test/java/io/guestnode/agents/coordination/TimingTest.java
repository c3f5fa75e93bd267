package io.guestnode.agents.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimingTest {
    @Test
    void theProfilesKeepTheRule() {
        assertEquals(java.util.List.of(), Timing.DEFAULT.problems());
        assertEquals(java.util.List.of(), Timing.FAST.problems());
        assertEquals(Duration.ofSeconds(4), Timing.DEFAULT.margin());
        assertEquals(Duration.ofMillis(2500), Timing.FAST.margin());
        assertEquals("T 10 s + F 6 s = 16 s >= S 8 s + W 4 s + margin 4 s", Timing.DEFAULT.describe());
        assertEquals(Duration.ofSeconds(8).dividedBy(3), Timing.DEFAULT.switchAfter(), "S / 3");
    }

    @Test
    void timesThatBreakTheRuleAreRefusedNamingTheirOptions() {
        Timing t = new Timing(Duration.ofSeconds(10), Duration.ofSeconds(6), Duration.ofSeconds(6), Duration.ofSeconds(3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, t::checked);
        assertTrue(e.getMessage().contains("--session-timeout 10 s + --fence-delay 3 s = 13 s must be at least "
                + "--self-fence-after 6 s + --watchdog-timeout 6 s + 2 s = 14 s"), e.getMessage());
    }

    @Test
    void aHostMustStopItsGuestsBeforeItsClaimsCanExpire() {
        Timing t = new Timing(Duration.ofSeconds(6), Duration.ofSeconds(8), Duration.ofSeconds(1), Duration.ofSeconds(20));
        assertTrue(t.problems().stream().anyMatch(p -> p.startsWith("--self-fence-after 8 s is not shorter than "
                + "--session-timeout 6 s")), t.problems().toString());
    }

    @Test
    void sessionTimeoutsZooKeeperWouldNotNegotiateAreRefused() {
        Timing t = new Timing(Duration.ofSeconds(30), Duration.ofSeconds(6), Duration.ofSeconds(6), Duration.ofSeconds(6));
        assertTrue(t.problems().get(0).startsWith("--session-timeout 30 s is outside"), t.problems().toString());
        Timing zero = new Timing(Duration.ZERO, Duration.ofSeconds(6), Duration.ofSeconds(6), Duration.ofSeconds(6));
        assertEquals(java.util.List.of("--session-timeout 0 s is not positive"), zero.problems());
    }

    @Test
    void anUnknownProfileIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Timing.profile("quick"));
        assertEquals("--timing 'quick': expected default or fast", e.getMessage());
    }
}
