package io.guestnode.agents.remote;

import static io.guestnode.agents.remote.HostilePeerTest.holdOpen;
import static io.guestnode.agents.remote.HostilePeerTest.signOn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.agents.remote.frame.FrameLimits;
import io.guestnode.agents.remote.frame.FrameReader;
import io.guestnode.agents.remote.frame.FrameWriter;
import io.guestnode.agents.remote.message.ExecRequest;
import io.guestnode.agents.remote.message.ExecResult;
import io.guestnode.agents.remote.message.Lrmd;
import io.guestnode.agents.remote.message.XmlCodec;
import io.guestnode.agents.remote.message.XmlElement;
import io.guestnode.agents.remote.tls.AuthKey;
import io.guestnode.agents.testing.FakeRemoted;
import io.guestnode.agents.testing.RecordingListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A guest that floods the client with what it never asked for, sends huge strings, or stops reading: a scripted
 * TLS-PSK peer on loopback. The client's memory stays bounded, guest text is cut, and no caller blocks past its
 * deadline.
 */
class FloodingPeerTest {
    static final int MIB = 1024 * 1024;
    static final ConnectOptions OPTIONS = HostilePeerTest.OPTIONS;
    /** The flooding peers compress 48 MiB first: the client's deadlines leave them the time. */
    static final ConnectOptions PATIENT = OPTIONS.withRequestTimeout(Duration.ofSeconds(30));
    static final byte[] KEY = new byte[4096];
    static RemoteExecutorClient client;

    @BeforeAll
    static void setUp() {
        new SecureRandom().nextBytes(KEY);
        client = new RemoteExecutorClient();
    }

    static AuthKey key() {
        return AuthKey.ofBytes("test key", KEY);
    }

    @AfterAll
    static void tearDown() {
        client.close();
    }

    /** A result notification as remoted sends it, with the given output and exit reason. */
    static String result(int callId, String output, String exitReason) {
        return XmlCodec.write(XmlElement.builder(Lrmd.NOTIFY).attr(Lrmd.ORIGIN, "send_cmd_complete_notify")
                .attr(Lrmd.EXEC_RC, 7).attr(Lrmd.EXEC_OP_STATUS, 0).attr(Lrmd.CALLID, callId)
                .attr(Lrmd.OP, Lrmd.OP_RSC_EXEC).attr(Lrmd.RSC_ID, "dummy1").attr(Lrmd.RSC_ACTION, "monitor")
                .attr(Lrmd.RSC_INTERVAL, 0).attr(Lrmd.RSC_EXIT_REASON, exitReason).attr(Lrmd.RSC_OUTPUT, output)
                .attr(Lrmd.MSG_ID, 0).attr(Lrmd.MSG_TYPE, Lrmd.MSG_NOTIFY).build());
    }

    static String reply(XmlElement request, long rc, long callId) {
        return XmlCodec.write(XmlElement.builder(Lrmd.REPLY).attr(Lrmd.ORIGIN, "process_lrmd_message")
                .attr(Lrmd.RC, rc).attr(Lrmd.CALLID, callId).attr(Lrmd.MSG_ID, request.attr(Lrmd.MSG_ID))
                .attr(Lrmd.MSG_TYPE, Lrmd.MSG_REPLY).build());
    }

    static XmlElement readRequest(InputStream in) throws IOException {
        return XmlCodec.parse(new FrameReader(in, FrameLimits.DEFAULT).read());
    }

    static String pokeNotification(int callId) {
        return XmlCodec.write(XmlElement.builder(Lrmd.NOTIFY).attr(Lrmd.RC, 0).attr(Lrmd.CALLID, callId)
                .attr(Lrmd.OP, Lrmd.OP_POKE).attr(Lrmd.MSG_ID, 0).attr(Lrmd.MSG_TYPE, Lrmd.MSG_NOTIFY).build());
    }

    /** Answers one poke with its reply and its notification, as remoted does. */
    static void answerPoke(InputStream in, FrameWriter w, int callId) throws IOException {
        XmlElement poke = readRequest(in);
        w.write(reply(poke, 0, callId));
        w.write(pokeNotification(callId));
    }

    static long heapUsedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    static final String MEGABYTE_OF_OUTPUT = "x".repeat(MIB - 4096);

    /**
     * 48 results of 1 MiB output each for call ids this client never issued (another client's, or invented),
     * each a bzip2 frame of a few hundred bytes: none of them may stay in the client's memory.
     */
    @Test
    void resultsForCallIdsNeverIssuedDoNotStayInMemory() throws Exception {
        try (FakeRemoted fake = FakeRemoted.tls(KEY, (in, out) -> {
            signOn(in, out);
            FrameWriter w = new FrameWriter(out);
            for (int i = 0; i < 48; i++) {
                w.write(result(1000 + i, MEGABYTE_OF_OUTPUT, "not yours"), true);
            }
            answerPoke(in, w, 2000);
            holdOpen(in);
        })) {
            long before = heapUsedAfterGc();
            try (RemoteExecutor s = client.connect(fake.endpoint(), key(), PATIENT, SessionListener.NONE)) {
                s.poke(Duration.ofSeconds(30)).join();
                long grown = heapUsedAfterGc() - before;
                assertTrue(grown < 8L * MIB, "heap grew by " + grown / MIB + " MiB for 48 results never asked for");
                BufferStats stats = s.bufferStats();
                assertEquals(48, stats.droppedNotOurs(), stats.toString());
                assertEquals(0, stats.bufferedItems(), stats.toString());
                assertEquals(0, stats.peakBytes(), "nothing was held: no exec awaited its reply");
            }
        }
    }

    /**
     * While an exec awaits its reply, results may arrive first; those kept for it are bounded in bytes, and the
     * one that is ours still completes the operation once the reply names its call id.
     */
    @Test
    void resultsBeforeTheExecReplyAreBoundedInBytes() throws Exception {
        try (FakeRemoted fake = FakeRemoted.tls(KEY, (in, out) -> {
            signOn(in, out);
            FrameWriter w = new FrameWriter(out);
            XmlElement exec = readRequest(in);
            for (int i = 0; i < 48; i++) {
                w.write(result(1000 + i, MEGABYTE_OF_OUTPUT, "early " + i), true);
            }
            w.write(reply(exec, 1047, 1047));
            holdOpen(in);
        })) {
            long before = heapUsedAfterGc();
            int budget = 64 * 1024;
            try (RemoteExecutor s = client.connect(fake.endpoint(), key(), PATIENT.withBufferBudget(budget),
                    SessionListener.NONE)) {
                Operation op = s.exec(ExecRequest.of("dummy1", "monitor", 0, 20_000, new LinkedHashMap<>()))
                        .get(30, TimeUnit.SECONDS);
                ExecResult r = op.firstResult().get(5, TimeUnit.SECONDS);
                assertEquals(1047, r.callId());
                assertEquals("early 47", r.exitReason());
                long grown = heapUsedAfterGc() - before;
                assertTrue(grown < 8L * MIB, "heap grew by " + grown / MIB + " MiB for 47 results not ours");
                BufferStats stats = s.bufferStats();
                assertTrue(stats.peakBytes() <= budget, stats.toString());
                assertTrue(stats.droppedOverBudget() > 0, stats.toString());
                assertEquals(47, stats.dropped(), "all but the one that was ours: " + stats);
                assertEquals(0, stats.bufferedItems(), "the reply's call id ends the window: " + stats);
            }
        }
    }

    /**
     * Results and pokes whose call id is at or below one a reply already gave this session, or that arrive while
     * no request of ours can claim them, belong to another client: dropped at once and counted. A result above
     * the highest call id, while an exec awaits its reply, is held until the reply says whose it is.
     */
    @Test
    void resultsAndPokesOfOtherClientsAreDroppedAtOnce() throws Exception {
        try (FakeRemoted fake = FakeRemoted.tls(KEY, (in, out) -> {
            signOn(in, out);
            FrameWriter w = new FrameWriter(out);
            XmlElement a = readRequest(in);
            w.write(result(9, "", "another client's, while our exec awaits its reply"));
            w.write(reply(a, 10, 10));
            w.write(result(10, "", "A"));
            w.write(result(9, "", "another client's, below the highest call id"));
            w.write(pokeNotification(8));
            w.write(result(12, "", "another client's, no exec awaits its reply"));
            XmlElement b = readRequest(in);
            w.write(result(13, "", "held until the reply to B"));
            w.write(result(5, "", "another client's, long ago"));
            w.write(reply(b, 14, 14));
            w.write(result(14, "", "B"));
            answerPoke(in, w, 15);
            holdOpen(in);
        })) {
            RecordingListener events = new RecordingListener();
            try (RemoteExecutor s = client.connect(fake.endpoint(), key(), OPTIONS, events)) {
                ExecRequest probe = ExecRequest.of("dummy1", "monitor", 0, 20_000, new LinkedHashMap<>());
                assertEquals("A", s.execAndWait(probe).get(5, TimeUnit.SECONDS).exitReason());
                assertEquals("B", s.execAndWait(probe).get(5, TimeUnit.SECONDS).exitReason());
                s.poke(Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);
                BufferStats stats = s.bufferStats();
                assertEquals(6, stats.droppedNotOurs(), stats.toString());
                assertEquals(0, stats.droppedOverBudget(), stats.toString());
                assertEquals(0, stats.bufferedItems(), stats.toString());
                assertTrue(stats.peakBytes() > 0, "a result was held for an exec awaiting its reply: " + stats);
                assertEquals(7, events.results.size(), "the listener still hears of every result");
            }
        }
    }

    /** Exit reasons, output and error details from the guest are cut to 4 KiB, with a visible marker. */
    @Test
    void guestStringsAreCutToFourKibibytes() throws Exception {
        String reason = "é\nline two\r\t".repeat(5000);
        int reasonBytes = reason.getBytes(StandardCharsets.UTF_8).length;
        try (FakeRemoted fake = FakeRemoted.tls(KEY, (in, out) -> {
            signOn(in, out);
            FrameWriter w = new FrameWriter(out);
            XmlElement exec = readRequest(in);
            w.write(reply(exec, 7, 7));
            w.write(result(7, "o".repeat(100_000), reason));
            w.write("<" + "A".repeat(100_000) + "/>");
            holdOpen(in);
        })) {
            RecordingListener events = new RecordingListener();
            try (RemoteExecutor s = client.connect(fake.endpoint(), key(), OPTIONS, events)) {
                ExecResult r = s.execAndWait(ExecRequest.of("dummy1", "monitor", 0, 20_000, new LinkedHashMap<>()))
                        .get(10, TimeUnit.SECONDS);
                assertCut(r.exitReason(), reasonBytes);
                assertTrue(reason.startsWith(r.exitReason().substring(0, r.exitReason().indexOf("... [cut"))));
                assertCut(r.output(), 100_000);
                assertCut(events.results.getFirst().exitReason(), reasonBytes);
                ConnectionLost lost = events.awaitLost(5000);
                assertNotNull(lost);
                assertEquals(ConnectionLost.Kind.PROTOCOL_ERROR, lost.kind());
                assertTrue(lost.detail().getBytes(StandardCharsets.UTF_8).length <= 4096,
                        "detail of " + lost.detail().length() + " chars");
            }
        }
    }

    /** What the guest sent reaches the log with its line breaks and control characters escaped. */
    @Test
    void guestTextIsLoggedOnOneLine() throws Exception {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                RemoteSession.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        log.addAppender(lines);
        try (FakeRemoted fake = FakeRemoted.tls(KEY, (in, out) -> {
            signOn(in, out);
            new FrameWriter(out).write("<lrmd_notify lrmd_op=\"x\"\n\u001b[2J forged line");
            holdOpen(in);
        })) {
            RecordingListener events = new RecordingListener();
            client.connect(fake.endpoint(), key(), OPTIONS, events);
            ConnectionLost lost = events.awaitLost(5000);
            assertNotNull(lost);
            assertTrue(lost.detail().contains("\n") || lost.detail().contains("\u001b"), lost.detail());
            List<String> logged = lines.list.stream().map(e -> e.getFormattedMessage()).toList();
            assertFalse(logged.isEmpty());
            for (String line : logged) {
                assertFalse(line.contains("\n") || line.contains("\r") || line.contains("\u001b"), line);
            }
        } finally {
            log.detachAppender(lines);
        }
    }

    static void assertCut(String s, int originalBytes) {
        int bytes = s.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes <= 4096, "a guest string of " + bytes + " bytes");
        assertTrue(s.endsWith("... [cut, " + originalBytes + " bytes]"), s.substring(Math.max(0, s.length() - 60)));
        assertFalse(s.contains("\uFFFD"), "cut inside a character");
    }

    /**
     * A peer that stops reading lets its receive window fill; the caller sending large requests must not block
     * past the request timeout: the request fails with a timeout and the session ends.
     */
    @Test
    void peerThatStopsReadingDoesNotBlockTheCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (FakeRemoted fake = FakeRemoted.tls(KEY, (in, out) -> {
            signOn(in, out);
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            RecordingListener events = new RecordingListener();
            RemoteExecutor s = client.connect(fake.endpoint(), key(), OPTIONS, events);
            LinkedHashMap<String, String> params = new LinkedHashMap<>();
            params.put("blob", "b".repeat(MIB));
            ExecRequest big = ExecRequest.of("dummy1", "monitor", 0, 20_000, params);
            List<CompletableFuture<Operation>> sent = new ArrayList<>();
            long t0 = System.nanoTime();
            try {
                assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
                    for (int i = 0; i < 256 && s.isOpen(); i++) {
                        sent.add(s.exec(big));
                    }
                }, "a write to a peer that does not read blocked the caller");
            } finally {
                release.countDown();
            }
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            assertFalse(s.isOpen(), "the session ends when a write misses its deadline");
            assertTrue(tookMs < OPTIONS.requestTimeout().toMillis() + 3000, "blocked for " + tookMs + " ms");
            Throwable last = sent.getLast().handle((op, e) -> e instanceof CompletionException c ? c.getCause() : e)
                    .get(5, TimeUnit.SECONDS);
            assertInstanceOf(RequestTimeoutException.class, last);
            assertTrue(last.getMessage().contains("could not write"), last.getMessage());
            assertNotNull(events.awaitLost(2000));
            s.close();
        }
    }
}
