package io.guestnode.agents.remote;

import io.guestnode.agents.remote.frame.FrameLimits;
import io.guestnode.agents.remote.frame.FrameReader;
import io.guestnode.agents.remote.frame.FrameWriter;
import io.guestnode.agents.remote.message.Lrmd;
import io.guestnode.agents.remote.message.XmlCodec;
import io.guestnode.agents.remote.message.XmlElement;
import io.guestnode.agents.remote.tls.AuthKey;
import io.guestnode.agents.remote.tls.LoopbackPskServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.TlsServerProtocol;

/**
 * Runs one whole sign-on (TCP, the TLS 1.3 external-PSK handshake with a DHE key share, register) through the
 * real client code against an in-process responder on the loopback address, with a throwaway random key. A
 * fresh JVM pays about 75 ms of class loading and compilation for its first handshake and register with a guest;
 * a daemon that warms up at start pays it while its first VMs boot instead of after they are up.
 * The responder accepts one connection, only from the loopback address, and lives for the warm-up alone.
 */
public final class ClientWarmup {
    private ClientWarmup() {
    }

    /**
     * Warms the client up; returns what the loopback sign-on established (its times included).
     *
     * @throws IOException when the loopback sign-on fails (the daemon works on; its first connection is slower)
     */
    public static Registration run(RemoteExecutorClient client) throws IOException {
        byte[] key = new byte[64];
        new SecureRandom().nextBytes(key);
        Registration registration;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(5_000);
            CompletableFuture<Void> responder = CompletableFuture.runAsync(() -> respond(server, key),
                    r -> Thread.ofVirtual().name("client-warmup").start(r));
            Endpoint local = new Endpoint(server.getInetAddress().getHostAddress(), server.getLocalPort());
            ConnectOptions options = ConnectOptions.defaults().withClientName("guestnode-warmup")
                    .withConnectTimeout(Duration.ofSeconds(5)).withHandshakeTimeout(Duration.ofSeconds(5))
                    .withRequestTimeout(Duration.ofSeconds(5));
            try (RemoteExecutor session = client.connect(local, AuthKey.ofBytes("warm-up key", key), options,
                    SessionListener.NONE)) {
                registration = session.registration();
            } catch (ConnectFailure f) {
                throw new IOException("loopback sign-on failed: " + f.oneLine(), f);
            }
            try {
                responder.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IOException("loopback responder failed: " + e.getMessage(), e);
            }
        }
        return registration;
    }

    /** Accepts one connection, completes the handshake and answers its register as pacemaker-remoted does. */
    private static void respond(ServerSocket server, byte[] key) {
        try (Socket s = server.accept()) {
            s.setTcpNoDelay(true);
            s.setSoTimeout(5_000);
            TlsServerProtocol tls = LoopbackPskServer.accept(s, key);
            String request = new FrameReader(tls.getInputStream(), FrameLimits.DEFAULT).read();
            XmlElement register = XmlCodec.parse(request);
            XmlElement reply = XmlElement.builder(Lrmd.REPLY)
                    .attr(Lrmd.ORIGIN, "warm-up")
                    .attr(Lrmd.OP, Lrmd.OP_REGISTER)
                    .attr(Lrmd.RC, 0)
                    .attr(Lrmd.CLIENTID, "warm-up")
                    .attr(Lrmd.PROTOCOL_VERSION, Lrmd.PROTOCOL_VERSION_VALUE)
                    .attr(Lrmd.MSG_ID, register.longAttr(Lrmd.MSG_ID, 0))
                    .attr(Lrmd.MSG_TYPE, Lrmd.MSG_REPLY)
                    .build();
            new FrameWriter(tls.getOutputStream()).write(XmlCodec.write(reply));
            // the client closes; reading to the end keeps the close orderly on both sides
            while (tls.getInputStream().read() >= 0) {
                // nothing more is expected
            }
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
