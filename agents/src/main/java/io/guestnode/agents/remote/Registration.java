package io.guestnode.agents.remote;

import io.guestnode.agents.remote.tls.TlsInfo;

/**
 * What signing on established.
 *
 * @param clientId              our client id on the remote ({@code lrmd_clientid})
 * @param remoteProtocolVersion the remote's executor protocol version
 * @param tls                   negotiated TLS parameters
 * @param connectNanos          TCP connect time
 * @param handshakeNanos        TLS handshake time
 * @param registerNanos         register round trip
 */
public record Registration(String clientId, String remoteProtocolVersion, TlsInfo tls, long connectNanos,
                           long handshakeNanos, long registerNanos) {
}
