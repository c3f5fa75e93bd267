package io.guestnode.operator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConnectorTest {
    /** One guest starting is retried every 5 ms; many starting together share a host-wide pace, 40 ms at most. */
    @Test
    void retryPaceFollowsHowManyConnectionsStart() {
        assertEquals(5, Connector.retryPauseMs(1));
        assertEquals(5, Connector.retryPauseMs(10));
        assertEquals(25, Connector.retryPauseMs(50));
        assertEquals(40, Connector.retryPauseMs(100));
        assertEquals(40, Connector.retryPauseMs(500));
    }
}
