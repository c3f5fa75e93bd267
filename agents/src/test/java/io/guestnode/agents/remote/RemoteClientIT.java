package io.guestnode.agents.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.agents.remote.frame.FrameReader;
import io.guestnode.agents.remote.frame.FrameLimits;
import io.guestnode.agents.remote.frame.FrameWriter;
import io.guestnode.agents.remote.message.ExecRequest;
import io.guestnode.agents.remote.message.ExecResult;
import io.guestnode.agents.remote.message.ExecStatus;
import io.guestnode.agents.remote.message.GuestText;
import io.guestnode.agents.remote.message.Lrmd;
import io.guestnode.agents.remote.message.Messages;
import io.guestnode.agents.remote.message.OcfExit;
import io.guestnode.agents.remote.message.RecurringOp;
import io.guestnode.agents.remote.message.Reply;
import io.guestnode.agents.remote.message.Requests;
import io.guestnode.agents.remote.message.ResourceSpec;
import io.guestnode.agents.remote.message.XmlCodec;
import io.guestnode.agents.remote.tls.AuthKey;
import io.guestnode.agents.remote.tls.TlsConnection;
import io.guestnode.agents.remote.tls.TlsTransport;
import io.guestnode.agents.testing.RecordingListener;
import io.guestnode.agents.testing.RemotedSandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a real pacemaker-remoted in its own network namespace. */
class RemoteClientIT {
    private static final ResourceSpec DUMMY = new ResourceSpec("dummy1", "ocf", "pacemaker", "Dummy");

    @TempDir
    static Path shared;
    static RemotedSandbox remoted;
    static RemoteExecutorClient client;

    @BeforeAll
    static void start() {
        remoted = RemotedSandbox.start(shared.resolve("shared"));
        client = new RemoteExecutorClient();
    }

    @AfterAll
    static void stop() {
        client.close();
        remoted.close();
    }

    private static RemoteExecutor connect(RemotedSandbox r, SessionListener l) throws ConnectFailure {
        return client.connect(r.endpoint(), r.key(), ConnectOptions.defaults().withClientName("guestnode-test"), l);
    }

    private static SequencedMap<String, String> params(Path dir, String id) {
        SequencedMap<String, String> p = new LinkedHashMap<>();
        p.put("state", dir.resolve(id + ".state").toString());
        return p;
    }

    @Test
    void handshakeAndRegister() throws Exception {
        try (RemoteExecutor s = connect(remoted, SessionListener.NONE)) {
            Registration r = s.registration();
            assertEquals("TLS 1.3", r.tls().version());
            assertTrue(r.tls().cipherSuite().startsWith("TLS_"), r.tls().cipherSuite());
            assertEquals("1.1", r.remoteProtocolVersion());
            assertFalse(r.clientId().isBlank());
            assertTrue(s.poke(Duration.ofSeconds(5)).join().toNanos() > 0);
        }
        long until = System.nanoTime() + 3_000_000_000L;
        while (!remoted.logText().contains("guestnode-test") && System.nanoTime() < until) {
            Thread.sleep(50); // remoted's log is written asynchronously
        }
        assertTrue(remoted.logText().contains("guestnode-test"), "remoted logs our client name");
    }

    @Test
    void dummyProbeStartMonitorCancelStop(@TempDir Path dir) throws Exception {
        RecordingListener events = new RecordingListener();
        try (RemoteExecutor s = connect(remoted, events)) {
            s.registerResource(DUMMY).join();
            assertEquals(Optional.of(DUMMY), s.resourceInfo(DUMMY.id()).join());
            SequencedMap<String, String> p = params(dir, DUMMY.id());

            ExecResult probe = s.execAndWait(ExecRequest.of(DUMMY.id(), "monitor", 0, 20_000, p)).join();
            assertTrue(probe.is(OcfExit.NOT_RUNNING), probe.summary());

            ExecResult start = s.execAndWait(ExecRequest.of(DUMMY.id(), "start", 0, 20_000, p)).join();
            assertTrue(start.is(OcfExit.OK), start.summary());
            assertEquals(p.get("state"), start.parameters().get("state"), "parameters are echoed");
            assertEquals("20000", start.parameters().get("CRM_meta_timeout"));

            Operation monitor = s.exec(ExecRequest.of(DUMMY.id(), "monitor", 1000, 20_000, p)).join();
            ExecResult firstMonitor = monitor.firstResult().join();
            assertTrue(firstMonitor.is(OcfExit.OK), firstMonitor.summary());
            assertEquals(monitor.callId(), firstMonitor.callId());
            List<RecurringOp> recurring = s.recurringOps(DUMMY.id()).join();
            assertEquals(List.of(new RecurringOp(DUMMY.id(), "monitor", 1000, 20_000)), recurring);

            s.cancel(DUMMY.id(), "monitor", 1000).join();
            awaitResult(events, r -> r.callId() == monitor.callId() && r.status() == ExecStatus.CANCELLED);
            assertEquals(List.of(), s.recurringOps(DUMMY.id()).join());
            CompletionException noSuchOp = assertThrows(CompletionException.class,
                    () -> s.cancel(DUMMY.id(), "monitor", 1000).join());
            assertEquals(-95, assertInstanceOf(RequestFailedException.class, noSuchOp.getCause()).rc());

            ExecResult stop = s.execAndWait(ExecRequest.of(DUMMY.id(), "stop", 0, 20_000, p)).join();
            assertTrue(stop.is(OcfExit.OK), stop.summary());
            ExecResult probeAgain = s.execAndWait(ExecRequest.of(DUMMY.id(), "monitor", 0, 20_000, p)).join();
            assertTrue(probeAgain.is(OcfExit.NOT_RUNNING), probeAgain.summary());

            List<String> seen = events.resultsFor(DUMMY.id()).stream()
                    .map(r -> r.action() + "_" + r.intervalMs() + ":" + r.status() + ":" + r.rc()).toList();
            assertEquals(List.of("monitor_0:DONE:7", "start_0:DONE:0", "monitor_1000:DONE:0",
                    "monitor_1000:CANCELLED:0", "stop_0:DONE:0", "monitor_0:DONE:7"),
                    seen,
                    "every result notification, in order: " + seen);
            s.unregisterResource(DUMMY.id()).join();
            assertEquals(Optional.empty(), s.resourceInfo(DUMMY.id()).join());
        }
    }

    private static void awaitResult(RecordingListener events, java.util.function.Predicate<ExecResult> p)
            throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (events.results.stream().anyMatch(p)) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("expected result not seen; got " + events.results);
    }

    @Test
    void agentTimeoutIsReportedByTheDaemon(@TempDir Path dir) throws Exception {
        ResourceSpec slow = new ResourceSpec("slow1", "ocf", "pacemaker", "Dummy");
        try (RemoteExecutor s = connect(remoted, SessionListener.NONE)) {
            s.registerResource(slow).join();
            SequencedMap<String, String> p = params(dir, slow.id());
            p.put("op_sleep", "3");
            ExecResult r = s.execAndWait(ExecRequest.of(slow.id(), "start", 0, 1000, p)).join();
            assertEquals(ExecStatus.TIMED_OUT, r.status(), r.summary());
            assertEquals(OcfExit.ERR_GENERIC, r.rc());
            assertTrue(r.exitReason().contains("1000ms"), r.exitReason());
        }
    }

    @Test
    void missingAgentIsNotInstalled(@TempDir Path dir) throws Exception {
        ResourceSpec ghost = new ResourceSpec("ghost1", "ocf", "heartbeat", "NoSuchAgent");
        try (RemoteExecutor s = connect(remoted, SessionListener.NONE)) {
            s.registerResource(ghost).join();
            ExecResult r = s.execAndWait(ExecRequest.of(ghost.id(), "start", 0, 5000, params(dir, ghost.id()))).join();
            assertEquals(ExecStatus.NOT_INSTALLED, r.status(), r.summary());
            assertEquals(OcfExit.ERR_INSTALLED, r.rc());
            CompletionException unknown = assertThrows(CompletionException.class, () -> s.execAndWait(
                    ExecRequest.of("never-registered", "start", 0, 5000, new LinkedHashMap<>())).join());
            assertEquals(-19, assertInstanceOf(RequestFailedException.class, unknown.getCause()).rc());
        }
    }

    @Test
    void sixtyKilobyteMessageBothWays(@TempDir Path dir) throws Exception {
        ResourceSpec big = new ResourceSpec("big1", "ocf", "pacemaker", "Dummy");
        try (RemoteExecutor s = connect(remoted, SessionListener.NONE)) {
            s.registerResource(big).join();
            SequencedMap<String, String> p = params(dir, big.id());
            String blob = "x".repeat(60 * 1024);
            p.put("fake", blob);
            ExecResult r = s.execAndWait(ExecRequest.of(big.id(), "monitor", 0, 20_000, p)).join();
            assertTrue(r.is(OcfExit.NOT_RUNNING), r.summary());
            // the whole 60 KB came back; like all guest text, it reaches callers cut to 4 KiB, its full size named
            assertEquals(GuestText.cut(blob), r.parameters().get("fake"), "the 60 KB parameter came back");
            assertTrue(r.parameters().get("fake").endsWith("[cut, " + blob.length() + " bytes]"));
        }
    }

    @Test
    void pipelinedRequestsAllComplete() throws Exception {
        try (RemoteExecutor s = connect(remoted, SessionListener.NONE)) {
            List<CompletableFuture<Duration>> pokes = new java.util.ArrayList<>();
            for (int i = 0; i < 50; i++) {
                pokes.add(s.poke(Duration.ofSeconds(5)));
            }
            CompletableFuture.allOf(pokes.toArray(CompletableFuture[]::new)).join();
            assertTrue(pokes.stream().allMatch(f -> f.isDone() && !f.isCompletedExceptionally()));
        }
    }

    @Test
    void wrongKeyIsRejectedOnceAndFast(@TempDir Path dir) {
        String before = remoted.logText();
        AuthKey wrong = AuthKey.ofBytes("generated wrong key", RemotedSandbox.newKey());
        long t0 = System.nanoTime();
        ConnectFailure f = assertThrows(ConnectFailure.class, () -> client.connect(remoted.endpoint(), wrong,
                ConnectOptions.defaults(), SessionListener.NONE));
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(ConnectFailure.Kind.KEY_REJECTED, f.kind(), f.getMessage());
        assertFalse(f.kind().retryable());
        assertTrue(elapsedMs < 2000, "rejected at once, not after a timeout: " + elapsedMs + " ms");
        String added = remoted.logText().substring(before.length());
        assertEquals(1, count(added, "TLS handshake with remote client failed"),
                "exactly one attempt reached the daemon: " + added);
    }

    @Test
    void refusedPortIsRefused() {
        Endpoint closed = new Endpoint(remoted.endpoint().host(), remoted.endpoint().port() + 1);
        ConnectFailure f = assertThrows(ConnectFailure.class, () -> client.connect(closed, remoted.key(),
                ConnectOptions.defaults(), SessionListener.NONE));
        assertEquals(ConnectFailure.Kind.REFUSED, f.kind());
        assertTrue(f.kind().retryable());
    }

    @Test
    /**
     * A killed remoted is seen from the socket (EOF), not from a poke: within a second, where a poke would take its
     * interval. How fast exactly is a benchmark's figure (bin/bench), not this test's.
     */
    void killedDaemonIsSeenFromTheSocket(@TempDir Path dir) throws Exception {
        try (RemotedSandbox own = RemotedSandbox.start(dir)) {
            RecordingListener events = new RecordingListener();
            RemoteExecutor s = connect(own, events);
            CompletableFuture<Duration> pending = s.poke(Duration.ofSeconds(30));
            pending.join();
            long t0 = System.nanoTime();
            own.signal("KILL");
            ConnectionLost lost = events.awaitLost(5000);
            assertNotNull(lost, "connection loss reported");
            long ms = (events.lostAtNanos() - t0) / 1_000_000;
            assertEquals(ConnectionLost.Kind.PEER_VANISHED, lost.kind(), lost.toString());
            assertTrue(ms < 1000, "loss seen " + ms + " ms after SIGKILL");
            assertFalse(s.isOpen());
            CompletionException after = assertThrows(CompletionException.class,
                    () -> s.poke(Duration.ofSeconds(1)).join());
            assertInstanceOf(ConnectionLostException.class, after.getCause());
        }
    }

    @Test
    void stoppedDaemonIsSeenOnlyByPokeTimeout(@TempDir Path dir) throws Exception {
        try (RemotedSandbox own = RemotedSandbox.start(dir)) {
            RecordingListener events = new RecordingListener();
            try (RemoteExecutor s = connect(own, events)) {
                own.signal("STOP");
                CompletionException e = assertThrows(CompletionException.class,
                        () -> s.poke(Duration.ofMillis(500)).join());
                assertInstanceOf(RequestTimeoutException.class, e.getCause());
                assertNull(events.lost(), "TCP shows nothing while the daemon is frozen");
                assertTrue(s.isOpen());
                own.signal("CONT");
                assertTrue(s.poke(Duration.ofSeconds(5)).join().toMillis() < 5000, "answers again once resumed");
            }
        }
    }

    @Test
    void bzip2CompressedMessageIsAcceptedByTheDaemon() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (TlsConnection tls = new TlsTransport(timer).open(remoted.endpoint(), remoted.key(),
                Duration.ofSeconds(5), Duration.ofSeconds(5), true, 2048)) {
            FrameWriter w = new FrameWriter(tls.output());
            FrameReader r = new FrameReader(tls.input(), FrameLimits.DEFAULT);
            w.write(XmlCodec.write(Requests.register(1, "guestnode-bzip2", false)), true);
            Reply reply = (Reply) Messages.decode(XmlCodec.parse(r.read()));
            assertEquals(0, reply.rc());
            assertEquals(Lrmd.OP_REGISTER, reply.op());
            w.write(XmlCodec.write(Requests.poke(2, reply.xml().attr(Lrmd.CLIENTID))), true);
            Reply pokeReply = (Reply) Messages.decode(XmlCodec.parse(r.read()));
            assertEquals(2, pokeReply.msgId());
            assertEquals(0, pokeReply.rc());
        } finally {
            timer.shutdownNow();
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
