package io.guestnode.agents.remote.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Vector;
import org.bouncycastle.tls.AbstractTlsClient;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsDHGroupVerifier;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.PskKeyExchangeMode;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsDHGroupVerifier;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsPSK;
import org.bouncycastle.tls.TlsPSKIdentity;
import org.bouncycastle.tls.crypto.TlsCrypto;

/**
 * The client half of pacemaker-remoted's TLS-PSK: one ClientHello that offers TLS 1.3 with the key as an
 * external PSK ({@code psk_dhe_ke}) and TLS 1.2 DHE-PSK and PSK suites as a fallback. ECDHE-PSK is never
 * offered: GnuTLS's priority string in remoted does not enable it.
 */
final class PskTlsClient extends AbstractTlsClient {
    static final String IDENTITY = "lrmd";

    private static final int[] SUITES = {
        CipherSuite.TLS_AES_128_GCM_SHA256,
        CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_DHE_PSK_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_DHE_PSK_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_PSK_WITH_CHACHA20_POLY1305_SHA256,
    };

    private final byte[] key;
    private final int minDhBits;
    private volatile boolean pskSelected;
    private volatile short alertReceived = -1;
    private volatile short alertLevelReceived = -1;

    PskTlsClient(TlsCrypto crypto, byte[] key, int minDhBits) {
        super(crypto);
        this.key = key;
        this.minDhBits = minDhBits;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12);
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return SUITES.clone();
    }

    @Override
    public Vector<BasicTlsPSKExternal> getExternalPSKs() {
        Vector<BasicTlsPSKExternal> v = new Vector<>(1);
        v.add(externalPsk(getCrypto(), key));
        return v;
    }

    /** The key as TLS 1.3 external PSK under remoted's identity, as both ends of the handshake present it. */
    static BasicTlsPSKExternal externalPsk(TlsCrypto crypto, byte[] key) {
        return new BasicTlsPSKExternal(IDENTITY.getBytes(StandardCharsets.US_ASCII), crypto.createSecret(key),
                PRFAlgorithm.tls13_hkdf_sha256);
    }

    @Override
    public short[] getPskKeyExchangeModes() {
        return new short[] {PskKeyExchangeMode.psk_dhe_ke};
    }

    @Override
    public TlsPSKIdentity getPSKIdentity() {
        return new BasicTlsPSKIdentity(IDENTITY, key);
    }

    @Override
    public TlsDHGroupVerifier getDHGroupVerifier() {
        return new DefaultTlsDHGroupVerifier(minDhBits);
    }

    @Override
    public void notifySelectedPSK(TlsPSK selected) throws IOException {
        if (selected != null) {
            pskSelected = true;
        } else if (context.getServerVersion() != null && ProtocolVersion.TLSv13.equals(context.getServerVersion())) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "TLS 1.3 negotiated without our PSK");
        }
    }

    @Override
    public TlsAuthentication getAuthentication() throws IOException {
        throw new TlsFatalAlert(AlertDescription.handshake_failure, "server asked to use certificates; "
                + "pacemaker-remoted authenticates with the pre-shared key only");
    }

    @Override
    public void notifyAlertReceived(short level, short description) {
        alertLevelReceived = level;
        alertReceived = description;
    }

    /** The alert the server sent during the handshake, or -1. */
    short alertReceived() {
        return alertReceived;
    }

    boolean fatalAlertReceived() {
        return alertLevelReceived == AlertLevel.fatal;
    }

    boolean pskSelected() {
        return pskSelected;
    }

    TlsInfo negotiated() {
        var sp = context.getSecurityParametersConnection();
        ProtocolVersion v = sp.getNegotiatedVersion();
        int suite = sp.getCipherSuite();
        return new TlsInfo(v.getName(), CipherSuiteNames.name(suite),
                TlsInfo.keyExchange(v, suite));
    }
}
