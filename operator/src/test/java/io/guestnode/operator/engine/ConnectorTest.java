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
}
