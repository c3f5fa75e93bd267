package io.guestnode.agents.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ClientWarmupTest {
    /**
     * The warm-up signs on through the path a guest's remoted takes: TLS 1.3 with the external PSK and a DHE key
     * share, then register.
     */
    @Test
    void signsOnThroughTheSamePathAsARemoted() throws Exception {
        try (RemoteExecutorClient client = new RemoteExecutorClient()) {
            Registration first = ClientWarmup.run(client);
            assertEquals("TLS 1.3", first.tls().version(), first.toString());
            assertEquals("TLS_AES_128_GCM_SHA256", first.tls().cipherSuite(), first.toString());
            assertEquals("external PSK with (EC)DHE", first.tls().keyExchange(), first.toString());
            assertEquals("warm-up", first.clientId());
            assertEquals("1.1", first.remoteProtocolVersion());
        }
    }
}
