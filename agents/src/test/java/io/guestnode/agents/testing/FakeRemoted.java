package io.guestnode.agents.testing;

import io.guestnode.agents.remote.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.tls.PSKTlsServer;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * A scripted peer on 127.0.0.1 for fault tests: it completes a TLS-PSK handshake with the given key (or
 * skips TLS entirely) and then runs a script against the decrypted streams. Never a stand-in for
 * pacemaker-remoted in behaviour tests: only for what a real daemon will not do (hostile or broken frames).
 */
public final class FakeRemoted implements AutoCloseable {

    /** What the fake does with one accepted connection. */
    @FunctionalInterface
    public interface Script {
        void run(InputStream in, OutputStream out) throws IOException;
    }

    private final ServerSocket server;
    private final AtomicInteger accepted;

    private FakeRemoted(ServerSocket server, AtomicInteger accepted) {
        this.server = server;
        this.accepted = accepted;
    }

    /** A TLS-PSK server (TLS 1.2, as BouncyCastle's PSK server speaks) with {@code key}. */
    public static FakeRemoted tls(byte[] key, Script script) throws IOException {
        return start(key, script);
    }

    /** A plain TCP server that runs {@code script} on the raw socket: no TLS at all. */
    public static FakeRemoted plain(Script script) throws IOException {
        return start(null, script);
    }

    private static FakeRemoted start(byte[] key, Script script) throws IOException {
        ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        AtomicInteger accepted = new AtomicInteger();
        BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
        Thread.ofVirtual().start(() -> {
            while (!ss.isClosed()) {
                Socket s;
                try {
                    s = ss.accept();
                } catch (IOException e) {
                    return;
                }
                accepted.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(s, key, crypto, script));
            }
        });
        return new FakeRemoted(ss, accepted);
    }

    private static void serve(Socket s, byte[] key, BcTlsCrypto crypto, Script script) {
        try (s) {
            s.setTcpNoDelay(true);
            if (key == null) {
                script.run(s.getInputStream(), s.getOutputStream());
                return;
            }
            TlsServerProtocol p = new TlsServerProtocol(s.getInputStream(), s.getOutputStream());
            p.accept(new PSKTlsServer(crypto, new TlsPSKIdentityManager() {
                @Override
                public byte[] getHint() {
                    return null;
                }

                @Override
                public byte[] getPSK(byte[] identity) {
                    return key.clone();
                }
            }));
            script.run(p.getInputStream(), p.getOutputStream());
            p.getOutputStream().flush();
        } catch (IOException | RuntimeException e) {
            // scripts end connections in every way; nothing to report
        }
    }

    public Endpoint endpoint() {
        return new Endpoint("127.0.0.1", server.getLocalPort());
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
