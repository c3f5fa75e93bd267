package io.guestnode.agents.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.agents.remote.frame.FrameLimits;
import io.guestnode.agents.remote.frame.FrameReader;
import io.guestnode.agents.remote.frame.FrameWriter;
import io.guestnode.agents.remote.message.ExecRequest;
import io.guestnode.agents.remote.message.ExecResult;
import io.guestnode.agents.remote.message.ExecStatus;
import io.guestnode.agents.remote.message.Lrmd;
import io.guestnode.agents.remote.message.Notification;
import io.guestnode.agents.remote.message.OcfExit;
import io.guestnode.agents.remote.message.RecurringOp;
import io.guestnode.agents.remote.message.Requests;
import io.guestnode.agents.remote.message.ResourceSpec;
import io.guestnode.agents.remote.message.ShutdownAnswer;
import io.guestnode.agents.remote.message.XmlCodec;
import io.guestnode.agents.remote.message.XmlElement;
import io.guestnode.agents.remote.tls.TlsConnection;
import io.guestnode.agents.remote.tls.TlsTransport;
import io.guestnode.agents.testing.GuestImageRoot;
import io.guestnode.agents.testing.RecordingListener;
import io.guestnode.agents.testing.RemotedSandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against pacemaker-remoted 3.0 (Debian 13), run from the trixie guest image root: its binary
 * needs trixie's C library, so it runs chrooted into that root, in its own network and mount namespaces.
 */
class Pacemaker3RemoteClientIT {
    private static final ResourceSpec DUMMY = new ResourceSpec("dummy3", "ocf", "pacemaker", "Dummy");

    @TempDir
    static Path shared;
    static GuestImageRoot trixie;
    static RemotedSandbox remoted;
    static RemoteExecutorClient client;

    @BeforeAll
    static void start() {
        trixie = GuestImageRoot.of("trixie");
        remoted = RemotedSandbox.startIn(trixie, shared.resolve("shared"));
        client = new RemoteExecutorClient();
    }

    @AfterAll
    static void stop() {
        client.close();
        remoted.close();
    }

    private static RemoteExecutor connect(RemotedSandbox r, SessionListener l, boolean ipcProvider)
            throws ConnectFailure {
        return client.connect(r.endpoint(), r.key(), ConnectOptions.defaults().withClientName("guestnode-test3")
                .withIpcProvider(ipcProvider), l);
    }

    private static SequencedMap<String, String> params(String id) {
        SequencedMap<String, String> p = new LinkedHashMap<>();
        p.put("state", "/run/" + id + ".state");
        return p;
    }

    @Test
    void registersWithProtocolOneDotTwo() throws Exception {
        try (RemoteExecutor s = connect(remoted, SessionListener.NONE, false)) {
            Registration r = s.registration();
            assertEquals("1.2", r.remoteProtocolVersion(), "pacemaker-remoted 3.0 speaks executor protocol 1.2");
            assertEquals("TLS 1.3", r.tls().version());
            assertFalse(r.clientId().isBlank());
            assertTrue(s.poke(Duration.ofSeconds(5)).join().toNanos() > 0);
        }
        assertTrue(remoted.logText().contains("guestnode-test3"), "remoted logs our client name");
        assertTrue(trixie.pacemakerRemoteVersion().startsWith("3.0."), trixie.pacemakerRemoteVersion());
    }

    /**
     * What 3.0 requires of a register: a protocol version whose major is 1 (it compares with "1" only), else
     * rc -71 (EPROTO). It answers 1.2 and adds {@code uptime}; {@code node_start_state} only when the guest sets
     * PCMK_node_start_state.
     */
    @Test
    void registerReplyOfPacemaker3() throws Exception {
        XmlElement ours = rawRegister(Requests.register(1, "guestnode-raw", false));
        assertEquals("0", ours.attr(Lrmd.RC), ours.toString());
        assertEquals("1.2", ours.attr(Lrmd.PROTOCOL_VERSION), ours.toString());
        assertTrue(ours.attributes().containsKey("uptime"), ours.toString());
        assertFalse(ours.attributes().containsKey("node_start_state"), ours.toString());

        XmlElement old = rawRegister(XmlElement.builder(Lrmd.COMMAND).attr(Lrmd.TYPE, Lrmd.TYPE_LRMD)
                .attr(Lrmd.OP, Lrmd.OP_REGISTER).attr(Lrmd.CLIENTNAME, "guestnode-raw")
                .attr(Lrmd.PROTOCOL_VERSION, "0.9").attr(Lrmd.MSG_ID, 1).attr(Lrmd.MSG_TYPE, Lrmd.MSG_REQUEST).build());
        assertEquals("-71", old.attr(Lrmd.RC), old.toString());
    }

    private static XmlElement rawRegister(XmlElement register) throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (TlsConnection tls = new TlsTransport(timer).open(remoted.endpoint(), remoted.key(),
                Duration.ofSeconds(5), Duration.ofSeconds(5), true, 2048)) {
            new FrameWriter(tls.output()).write(XmlCodec.write(register));
            return XmlCodec.parse(new FrameReader(tls.input(), FrameLimits.DEFAULT).read());
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void dummyProbeStartRecurringMonitorCancelStop() throws Exception {
        RecordingListener events = new RecordingListener();
        try (RemoteExecutor s = connect(remoted, events, false)) {
            s.registerResource(DUMMY).join();
            // the state file in the sandbox directory, which the daemon sees as /run/sandbox
            SequencedMap<String, String> p = new LinkedHashMap<>();
            p.put("state", "/run/sandbox/" + DUMMY.id() + ".state");
            assertTrue(s.execAndWait(ExecRequest.of(DUMMY.id(), "monitor", 0, 20_000, p)).join()
                    .is(OcfExit.NOT_RUNNING));
            ExecResult start = s.execAndWait(ExecRequest.of(DUMMY.id(), "start", 0, 20_000, p)).join();
            assertTrue(start.is(OcfExit.OK), start.summary());
            assertEquals(p.get("state"), start.parameters().get("state"), "parameters are echoed");

            Operation monitor = s.exec(ExecRequest.of(DUMMY.id(), "monitor", 500, 20_000, p)).join();
            assertTrue(monitor.firstResult().join().is(OcfExit.OK));
            assertEquals(List.of(new RecurringOp(DUMMY.id(), "monitor", 500, 20_000)),
                    s.recurringOps(DUMMY.id()).join());
            // the Dummy stops behind the executor's back: the recurring monitor reports it
            java.nio.file.Files.delete(remoted.dir().resolve(DUMMY.id() + ".state"));
            await(() -> events.results.stream().anyMatch(r -> r.callId() == monitor.callId()
                    && r.rc() == OcfExit.NOT_RUNNING), "the recurring monitor reports the stopped Dummy");
            ExecResult stop = s.execAndWait(ExecRequest.of(DUMMY.id(), "stop", 0, 20_000, p)).join();
            assertTrue(stop.is(OcfExit.OK), stop.summary());
            assertEquals(List.of(), s.recurringOps(DUMMY.id()).join(), "a stop cancels the recurring monitor");
        }
    }

    @Test
    void shutdownRequestWaitsForTheAnswerThenNackEndsTheDaemon(@TempDir Path dir) throws Exception {
        try (RemotedSandbox own = RemotedSandbox.startIn(trixie, dir)) {
            RecordingListener events = new RecordingListener();
            RemoteExecutor s = connect(own, events, true);
            own.signal("TERM");
            await(() -> events.notifications.stream().anyMatch(n -> n instanceof Notification.IpcProxy ipc
                    && ipc.shutdownRequest()), "shutdown_req");
            Thread.sleep(1500);
            assertTrue(own.alive(), "3.0 waits for the answer instead of exiting");
            assertTrue(s.poke(Duration.ofSeconds(5)).join().toNanos() > 0, "and still serves the session");

            s.answerShutdown(ShutdownAnswer.NACK).join();
            ConnectionLost lost = events.awaitLost(5000);
            assertNotNull(lost, "the daemon exits after the nack");
            assertEquals(ConnectionLost.Kind.GUEST_SHUTDOWN, lost.kind(), lost.toString());
            await(() -> !own.alive(), "pacemaker-remoted exited");
        }
    }

    @Test
    void shutdownAckKeepsTheDaemonUntilWeDisconnect(@TempDir Path dir) throws Exception {
        try (RemotedSandbox own = RemotedSandbox.startIn(trixie, dir)) {
            RecordingListener events = new RecordingListener();
            RemoteExecutor s = connect(own, events, true);
            s.registerResource(DUMMY).join();
            assertTrue(s.execAndWait(ExecRequest.of(DUMMY.id(), "start", 0, 20_000, params(DUMMY.id()))).join()
                    .is(OcfExit.OK));
            own.signal("TERM");
            await(() -> events.notifications.stream().anyMatch(n -> n instanceof Notification.IpcProxy ipc
                    && ipc.shutdownRequest()), "shutdown_req");
            s.answerShutdown(ShutdownAnswer.ACK).join();
            // acknowledged: the manager now stops what runs in the guest, then disconnects
            ExecResult stop = s.execAndWait(ExecRequest.of(DUMMY.id(), "stop", 0, 20_000, params(DUMMY.id())))
                    .join();
            assertTrue(stop.is(OcfExit.OK), stop.summary());
            assertTrue(own.alive(), "still up while the manager is connected");
            assertTrue(own.logText().contains("acknowledged shutdown"), "remoted logged the ack");
            s.close();
            await(() -> !own.alive(), "pacemaker-remoted exits once its provider disconnected");
            assertEquals(ConnectionLost.Kind.LOCAL_CLOSE, events.lost().kind());
        }
    }

    /** Without an IPC provider connected (guestnode's default) 3.0 asks no one and exits at once on SIGTERM. */
    @Test
    void sigtermWithoutProviderEndsTheDaemonAtOnce(@TempDir Path dir) throws Exception {
        try (RemotedSandbox own = RemotedSandbox.startIn(trixie, dir)) {
            RecordingListener events = new RecordingListener();
            RemoteExecutor s = connect(own, events, false);
            s.poke(Duration.ofSeconds(5)).join();
            own.signal("TERM");
            ConnectionLost lost = events.awaitLost(5000);
            assertNotNull(lost, "connection loss reported");
            assertTrue(events.notifications.stream().noneMatch(n -> n instanceof Notification.IpcProxy),
                    "no shutdown_req: " + events.notifications);
            await(() -> !own.alive(), "pacemaker-remoted exited");
        }
    }

    @Test
    void killedDaemonIsSeenAtOnce(@TempDir Path dir) throws Exception {
        try (RemotedSandbox own = RemotedSandbox.startIn(trixie, dir)) {
            RecordingListener events = new RecordingListener();
            RemoteExecutor s = connect(own, events, false);
            s.poke(Duration.ofSeconds(5)).join();
            long t0 = System.nanoTime();
            own.signal("KILL");
            ConnectionLost lost = events.awaitLost(5000);
            assertNotNull(lost, "connection loss reported");
            assertEquals(ConnectionLost.Kind.PEER_VANISHED, lost.kind(), lost.toString());
            long ms = (events.lostAtNanos() - t0) / 1_000_000;
            assertTrue(ms < 50, "loss seen " + ms + " ms after SIGKILL");
        }
    }

    @Test
    void cancelledMonitorReportsCancelled() throws Exception {
        RecordingListener events = new RecordingListener();
        ResourceSpec other = new ResourceSpec("cancel3", "ocf", "pacemaker", "Dummy");
        try (RemoteExecutor s = connect(remoted, events, false)) {
            s.registerResource(other).join();
            Operation monitor = s.exec(ExecRequest.of(other.id(), "monitor", 1000, 20_000, params(other.id())))
                    .join();
            monitor.firstResult().join();
            s.cancel(other.id(), "monitor", 1000).join();
            await(() -> events.results.stream().anyMatch(r -> r.callId() == monitor.callId()
                    && r.status() == ExecStatus.CANCELLED), "the cancelled result");
            assertEquals(List.of(), s.recurringOps(other.id()).join());
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("not within 10 s: " + what);
    }
}
