package io.guestnode.agents.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.agents.remote.frame.FrameHeader;
import io.guestnode.agents.remote.frame.FrameLimits;
import io.guestnode.agents.remote.frame.FrameReader;
import io.guestnode.agents.remote.frame.FrameWriter;
import io.guestnode.agents.remote.message.Lrmd;
import io.guestnode.agents.remote.message.XmlCodec;
import io.guestnode.agents.remote.message.XmlElement;
import io.guestnode.agents.remote.tls.AuthKey;
import io.guestnode.agents.testing.FakeRemoted;
import io.guestnode.agents.testing.RecordingListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A broken or hostile peer (scripted on loopback: a real pacemaker-remoted never sends these) must not crash
 * the client or grow its memory: each case ends in a classified failure, and the client keeps working.
 */
class HostilePeerTest {
    static final byte[] KEY = new byte[4096];
    static RemoteExecutorClient client;
    static final ConnectOptions OPTIONS = ConnectOptions.defaults().withRequestTimeout(Duration.ofSeconds(2))
            .withHandshakeTimeout(Duration.ofSeconds(2)).withLimits(new FrameLimits(1024 * 1024));

    @BeforeAll
    static void setUp() {
        new SecureRandom().nextBytes(KEY);
        client = new RemoteExecutorClient();
    }

    @AfterAll
    static void tearDown() {
        client.close();
    }

    static AuthKey key() {
        return AuthKey.ofBytes("test key", KEY);
    }

    /** Reads the register request and answers it correctly. */
    static void signOn(InputStream in, OutputStream out) throws IOException {
        String reg = new FrameReader(in, FrameLimits.DEFAULT).read();
        XmlElement request = XmlCodec.parse(reg);
        new FrameWriter(out).write(XmlCodec.write(XmlElement.builder(Lrmd.REPLY).attr(Lrmd.RC, 0)
                .attr(Lrmd.OP, "register").attr(Lrmd.CLIENTID, "fake-client").attr(Lrmd.PROTOCOL_VERSION, "1.1")
                .attr(Lrmd.MSG_ID, request.attr(Lrmd.MSG_ID)).attr(Lrmd.MSG_TYPE, "reply").build()));
    }

    static byte[] header(int magic, long total, long offset, long compressed, long uncompressed) {
        ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(magic).putInt(1).putLong(1).putLong(0).putInt((int) total).putInt((int) offset)
                .putInt((int) compressed).putInt((int) uncompressed);
        return b.array();
    }

    /** Reads and discards until the client goes away. */
    static void holdOpen(InputStream in) throws IOException {
        byte[] sink = new byte[4096];
        while (in.read(sink) >= 0) {
            // keep the connection open, say nothing
        }
    }

    private ConnectFailure connectFails(FakeRemoted fake) {
        return assertThrows(ConnectFailure.class, () -> client.connect(fake.endpoint(), key(), OPTIONS,
                SessionListener.NONE));
    }

    @Test
    void wellBehavedFakeConnectsOverTls12Fallback() throws Exception {
        try (FakeRemoted fake = FakeRemoted.tls(KEY, (in, out) -> {
            signOn(in, out);
            holdOpen(in);
        }); RemoteExecutor s = client.connect(fake.endpoint(), key(), OPTIONS, SessionListener.NONE)) {
            assertEquals("TLS 1.2", s.registration().tls().version());
            assertTrue(s.registration().tls().keyExchange().contains("PSK"), s.registration().tls().toString());
        }
    }

    /**
     * A peer that resets the connection in the middle of the TLS handshake (as a remoted restarting, or a guest resumed
     * a moment ago, may) is no proof of "not a pacemaker-remoted": the failure is a reset, which a start retries.
     */
    @Test
    void aResetDuringTheHandshakeIsRetryable() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            Thread peer = Thread.ofVirtual().start(() -> {
                try (java.net.Socket c = server.accept()) {
                    c.getInputStream().read(new byte[64]); // the client's hello has begun
                    c.setSoLinger(true, 0); // closed with a TCP reset
                } catch (java.io.IOException ignored) {
                    // the test checks the client's side
                }
            });
            ConnectFailure f = assertThrows(ConnectFailure.class, () -> client.connect(new Endpoint("127.0.0.1",
                    server.getLocalPort()), key(), OPTIONS, SessionListener.NONE));
            peer.join(5000);
            assertEquals(ConnectFailure.Kind.RESET, f.kind(), f.getMessage());
            assertTrue(f.kind().retryable());
        }
    }

    @Test
    void badMagicInTheFirstReply() throws Exception {
        try (FakeRemoted fake = FakeRemoted.tls(KEY, (in, out) -> {
            new FrameReader(in, FrameLimits.DEFAULT).read();
            out.write(header(0x41414141, 46, 40, 0, 6));
            out.write("<x/>\0\0".getBytes(StandardCharsets.US_ASCII));
            holdOpen(in);
        })) {
            ConnectFailure f = connectFails(fake);
            assertEquals(ConnectFailure.Kind.NOT_A_REMOTED, f.kind());
            assertTrue(f.getMessage().contains("bad magic"), f.getMessage());
        }
    }

    @Test
    void giantSizeAfterSignOnDropsTheSessionWithoutAllocating() throws Exception {
        try (FakeRemoted fake = FakeRemoted.tls(KEY, (in, out) -> {
            signOn(in, out);
            out.write(header(FrameHeader.MAGIC, 0xFFFFFFF0L, 40, 0, 0xFFFFFFF0L - 40));
            holdOpen(in);
        })) {
            RecordingListener events = new RecordingListener();
            RemoteExecutor s = client.connect(fake.endpoint(), key(), OPTIONS, events);
            ConnectionLost lost = events.awaitLost(5000);
            assertNotNull(lost);
            assertEquals(ConnectionLost.Kind.PROTOCOL_ERROR, lost.kind());
            assertTrue(lost.detail().contains("exceeds the limit"), lost.detail());
            assertFalse(s.isOpen());
        }
    }

    @Test
    void truncatedMessageThenClose() throws Exception {
        try (FakeRemoted fake = FakeRemoted.tls(KEY, (in, out) -> {
            signOn(in, out);
            out.write(header(FrameHeader.MAGIC, 1040, 40, 0, 1000));
            out.write(new byte[10]);
            out.flush();
        })) {
            RecordingListener events = new RecordingListener();
            client.connect(fake.endpoint(), key(), OPTIONS, events);
            ConnectionLost lost = events.awaitLost(5000);
            assertNotNull(lost);
            assertTrue(lost.kind() == ConnectionLost.Kind.PEER_VANISHED || lost.kind() == ConnectionLost.Kind.CLOSED_BY_PEER,
                    lost.toString());
        }
    }

    @Test
    void bzip2BombsDoNotGrowMemory() throws Exception {
        byte[] bomb;
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (BZip2CompressorOutputStream z = new BZip2CompressorOutputStream(bos)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                z.write(zeros);
            }
        }
        bomb = bos.toByteArray();
        byte[] frame = header(FrameHeader.MAGIC, 40 + bomb.length, 40, bomb.length, 1000);
        try (FakeRemoted fake = FakeRemoted.tls(KEY, (in, out) -> {
            signOn(in, out);
            out.write(frame);
            out.write(bomb);
            holdOpen(in);
        })) {
            Runtime rt = Runtime.getRuntime();
            System.gc();
            long before = rt.totalMemory() - rt.freeMemory();
            for (int i = 0; i < 20; i++) {
                RecordingListener events = new RecordingListener();
                client.connect(fake.endpoint(), key(), OPTIONS, events);
                ConnectionLost lost = events.awaitLost(5000);
                assertNotNull(lost);
                assertEquals(ConnectionLost.Kind.PROTOCOL_ERROR, lost.kind(), lost.toString());
                assertTrue(lost.detail().contains("more than"), lost.detail());
            }
            System.gc();
            long after = rt.totalMemory() - rt.freeMemory();
            assertTrue(after - before < 64L * 1024 * 1024, "heap grew by " + (after - before) + " bytes");
        }
    }

    @Test
    void entityExpansionInAReplyIsRefused() throws Exception {
        try (FakeRemoted fake = FakeRemoted.tls(KEY, (in, out) -> {
            new FrameReader(in, FrameLimits.DEFAULT).read();
            new FrameWriter(out).write("<!DOCTYPE r [<!ENTITY a \"aaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
                    + "<lrmd_reply lrmd_rc=\"0\" lrmd_remote_msg_id=\"1\" lrmd_clientid=\"&b;\"/>");
            holdOpen(in);
        })) {
            assertEquals(ConnectFailure.Kind.NOT_A_REMOTED, connectFails(fake).kind());
        }
    }

    @Test
    void registerRejectedIsAProtocolError() throws Exception {
        try (FakeRemoted fake = FakeRemoted.tls(KEY, (in, out) -> {
            new FrameReader(in, FrameLimits.DEFAULT).read();
            new FrameWriter(out).write("<lrmd_reply lrmd_rc=\"-71\" lrmd_op=\"register\" lrmd_remote_msg_id=\"1\" "
                    + "lrmd_remote_msg_type=\"reply\"/>");
            holdOpen(in);
        })) {
            ConnectFailure f = connectFails(fake);
            assertEquals(ConnectFailure.Kind.PROTOCOL_ERROR, f.kind());
            assertTrue(f.getMessage().contains("rc=-71"), f.getMessage());
        }
    }

    @Test
    void silentPeerTimesOutRegister() throws Exception {
        try (FakeRemoted fake = FakeRemoted.tls(KEY, (in, out) -> holdOpen(in))) {
            ConnectFailure f = connectFails(fake);
            assertEquals(ConnectFailure.Kind.TIMEOUT, f.kind());
            assertTrue(f.getMessage().contains("register"), f.getMessage());
        }
    }

    @Test
    void somethingThatIsNotTls() throws Exception {
        try (FakeRemoted ssh = FakeRemoted.plain((in, out) -> {
            out.write("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            holdOpen(in);
        }); FakeRemoted closer = FakeRemoted.plain((in, out) -> {
        })) {
            ConnectFailure f = connectFails(ssh);
            assertEquals(ConnectFailure.Kind.NOT_A_REMOTED, f.kind(), f.getMessage());
            assertEquals(ConnectFailure.Kind.NOT_A_REMOTED, connectFails(closer).kind());
        }
    }

    @Test
    void silentTcpPeerTimesOutTheHandshake() throws Exception {
        try (FakeRemoted mute = FakeRemoted.plain((in, out) -> holdOpen(in))) {
            long t0 = System.nanoTime();
            ConnectFailure f = connectFails(mute);
            assertEquals(ConnectFailure.Kind.TIMEOUT, f.kind());
            assertTrue(f.getMessage().contains("handshake"), f.getMessage());
            assertTrue((System.nanoTime() - t0) / 1_000_000 < 4000);
        }
    }

    @Test
    void wrongKeyIsRejected() throws Exception {
        byte[] other = new byte[32];
        new SecureRandom().nextBytes(other);
        try (FakeRemoted fake = FakeRemoted.tls(other, (in, out) -> signOn(in, out))) {
            assertEquals(ConnectFailure.Kind.KEY_REJECTED, connectFails(fake).kind());
        }
    }

    @Test
    void pendingRequestsFailWhenThePeerDisappears() throws Exception {
        try (FakeRemoted fake = FakeRemoted.tls(KEY, (in, out) -> {
            signOn(in, out);
            new FrameReader(in, FrameLimits.DEFAULT).read();
        })) {
            RecordingListener events = new RecordingListener();
            RemoteExecutor s = client.connect(fake.endpoint(), key(), OPTIONS, events);
            CompletionException e = assertThrows(CompletionException.class,
                    () -> s.poke(Duration.ofSeconds(5)).join());
            assertInstanceOf(ConnectionLostException.class, e.getCause());
            assertNotNull(events.awaitLost(1000));
        }
    }
}
