package io.guestnode.agents.remote.tls;

import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.KeyExchangeAlgorithm;

/**
 * What a handshake negotiated.
 *
 * @param version     e.g. {@code TLS 1.3}
 * @param cipherSuite e.g. {@code TLS_AES_128_GCM_SHA256}
 * @param keyExchange e.g. {@code PSK with (EC)DHE}, {@code DHE-PSK}, {@code PSK}
 */
public record TlsInfo(String version, String cipherSuite, String keyExchange) {

    static String keyExchange(ProtocolVersion v, int suite) {
        if (ProtocolVersion.TLSv13.equals(v)) {
            return "external PSK with (EC)DHE";
        }
        return switch (TlsUtils.getKeyExchangeAlgorithm(suite)) {
            case KeyExchangeAlgorithm.DHE_PSK -> "DHE-PSK";
            case KeyExchangeAlgorithm.PSK -> "PSK";
            case KeyExchangeAlgorithm.ECDHE_PSK -> "ECDHE-PSK";
            default -> "other";
        };
    }
}
