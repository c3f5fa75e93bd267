package io.guestnode.agents.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QuorumClockTest {
    /** S 6 s: the session moves after 2 s. */
    private static final Timing S6 = new Timing(java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(6),
            java.time.Duration.ofSeconds(6), java.time.Duration.ofSeconds(6));

    private static final long S = 1_000_000_000L;

    @Test
    void freshUntilSAfterTheSendTimeOfTheLastAcknowledgedWrite() {
        QuorumClock c = new QuorumClock(S6); // S 6 s, move after 2 s
        assertEquals(QuorumClock.Verdict.SELF_FENCE, c.verdict(0), "never acknowledged: not fresh");
        c.acknowledged(10 * S);
        assertEquals(QuorumClock.Verdict.FRESH, c.verdict(11 * S));
        assertEquals(QuorumClock.Verdict.MOVE_SESSION, c.verdict(12 * S));
        assertEquals(QuorumClock.Verdict.MOVE_SESSION, c.verdict(16 * S - 1));
        assertEquals(QuorumClock.Verdict.SELF_FENCE, c.verdict(16 * S));
        assertEquals(16 * S, c.freshUntil());
    }

    @Test
    void aLateAcknowledgementOfAnOlderWriteNeverExtendsTheLease() {
        QuorumClock c = new QuorumClock(S6);
        c.acknowledged(10 * S);
        c.acknowledged(5 * S); // an answer to a write sent earlier arrives late
        assertEquals(16 * S, c.freshUntil());
        assertEquals(Duration.ofSeconds(3), c.silence(13 * S));
    }
}
