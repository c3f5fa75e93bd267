package io.guestnode.agents.remote.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Vector;
import org.bouncycastle.tls.AbstractTlsServer;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.PskIdentity;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsPSKExternal;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The server half of the handshake {@link PskTlsClient} makes with pacemaker-remoted (TLS 1.3, the key as external
 * PSK, a DHE key share), for the client's warm-up on the loopback address. Not a stand-in for remoted.
 */
public final class LoopbackPskServer extends AbstractTlsServer {
    private final byte[] key;

    private LoopbackPskServer(byte[] key) {
        super(new BcTlsCrypto(new SecureRandom()));
        this.key = key;
    }

    /** Completes the server side of the handshake on {@code socket}; the protocol's streams carry the session. */
    public static TlsServerProtocol accept(Socket socket, byte[] key) throws IOException {
        TlsServerProtocol tls = new TlsServerProtocol(socket.getInputStream(), socket.getOutputStream());
        tls.accept(new LoopbackPskServer(key));
        return tls;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return new ProtocolVersion[] {ProtocolVersion.TLSv13};
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return new int[] {CipherSuite.TLS_AES_128_GCM_SHA256};
    }

    @Override
    public TlsPSKExternal getExternalPSK(Vector identities) {
        byte[] ours = PskTlsClient.IDENTITY.getBytes(StandardCharsets.US_ASCII);
        for (Object o : identities) {
            if (o instanceof PskIdentity p && Arrays.equals(p.getIdentity(), ours)) {
                return PskTlsClient.externalPsk(getCrypto(), key);
            }
        }
        return null;
    }

    @Override
    public TlsCredentials getCredentials() {
        return null;
    }
}
