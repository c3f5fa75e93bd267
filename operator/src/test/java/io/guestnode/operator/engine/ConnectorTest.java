package io.guestnode.operator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConnectorTest {
    /**
     * One guest starting is retried every 5 ms; many starting together share a host-wide pace of about 500 attempts a
     * second, 250 ms apart at most.
     */
    @Test
    void retryPaceFollowsHowManyConnectionsStart() {
        assertEquals(5, Connector.retryPauseMs(1));
        assertEquals(5, Connector.retryPauseMs(2));
        assertEquals(20, Connector.retryPauseMs(10));
        assertEquals(100, Connector.retryPauseMs(50));
        assertEquals(250, Connector.retryPauseMs(125));
        assertEquals(250, Connector.retryPauseMs(500));
        for (int n = 3; n <= 125; n++) {
            double perSecond = n * 1000.0 / Connector.retryPauseMs(n);
            assertEquals(500, perSecond, 1e-9, n + " starting");
        }
    }

    /** A lost SYN is resent every 50 ms while few connections start; a host-wide start keeps one SYN at a time. */
    @Test
    void synResendOnlyWhileFewStart() {
        assertEquals(java.time.Duration.ofMillis(50), Connector.synResend(1));
        assertEquals(java.time.Duration.ofMillis(50), Connector.synResend(8));
        assertEquals(java.time.Duration.ZERO, Connector.synResend(9));
        assertEquals(java.time.Duration.ZERO, Connector.synResend(500));
    }
}
