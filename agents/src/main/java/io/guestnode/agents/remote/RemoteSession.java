package io.guestnode.agents.remote;

import io.guestnode.agents.remote.frame.DecodeBudget;
import io.guestnode.agents.remote.frame.FrameReader;
import io.guestnode.agents.remote.frame.FrameWriter;
import io.guestnode.agents.remote.message.ExecRequest;
import io.guestnode.agents.remote.message.ExecResult;
import io.guestnode.agents.remote.message.GuestText;
import io.guestnode.agents.remote.message.Inbound;
import io.guestnode.agents.remote.message.Lrmd;
import io.guestnode.agents.remote.message.MessageException;
import io.guestnode.agents.remote.message.Messages;
import io.guestnode.agents.remote.message.Notification;
import io.guestnode.agents.remote.message.RecurringOp;
import io.guestnode.agents.remote.message.Reply;
import io.guestnode.agents.remote.message.Requests;
import io.guestnode.agents.remote.message.ResourceSpec;
import io.guestnode.agents.remote.message.ShutdownAnswer;
import io.guestnode.agents.remote.message.XmlCodec;
import io.guestnode.agents.remote.message.XmlElement;
import io.guestnode.agents.remote.frame.FrameException;
import io.guestnode.agents.remote.tls.TlsConnection;
import java.io.EOFException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.bouncycastle.tls.TlsNoCloseNotifyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client API over one TLS connection: a reader thread that decodes and dispatches every inbound message,
 * and callers that write requests (each message as header write plus payload write) and get futures back.
 * Requests go out through a {@link RequestChannel} (a deadline on each write and reply); results and poke
 * notifications are matched, or dropped, by a {@link CallCorrelator}.
 */
final class RemoteSession implements RemoteExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteSession.class);
    /** EOF this soon after {@code shutdown_req} means the guest is shutting down (2.1.5 exits in ~3 ms). */
    private static final long SHUTDOWN_EOF_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Endpoint endpoint;
    private final TlsConnection connection;
    private final FrameReader reader;
    private final ConnectOptions options;
    private final ScheduledExecutorService timer;
    private final SessionListener listener;
    private final Clock clock;

    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean closedLocally;
    private volatile long shutdownRequestedAt = -1;
    private volatile String clientId = "";
    private volatile Registration registration;
    private final CallCorrelator correlator;
    private final RequestChannel channel;

    RemoteSession(Endpoint endpoint, TlsConnection connection, ConnectOptions options,
                  ScheduledExecutorService timer, SessionListener listener, Clock clock, DecodeBudget budget) {
        this.endpoint = endpoint;
        this.connection = connection;
        this.options = options;
        this.timer = timer;
        this.listener = listener;
        this.clock = clock;
        this.reader = new FrameReader(connection.input(), options.limits(), budget);
        this.correlator = new CallCorrelator(options.bufferBudgetBytes());
        this.channel = new RequestChannel(endpoint, new FrameWriter(connection.output()), timer, correlator,
                this::end, clock);
    }

    void startReader() {
        Thread.ofVirtual().name("remoted-reader " + endpoint).start(this::readLoop);
    }

    /** Signs on; on failure the session is closed and the failure classified. */
    void register() throws ConnectFailure {
        long t0 = System.nanoTime();
        CompletableFuture<Reply> f = channel.request(id -> Requests.register(id, options.clientName(), options.ipcProvider()),
                options.requestTimeout(), Lrmd.OP_REGISTER, null);
        Reply reply;
        try {
            reply = f.join();
        } catch (RuntimeException e) {
            close();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RequestTimeoutException) {
                throw new ConnectFailure(ConnectFailure.Kind.TIMEOUT, endpoint + ": no reply to register within "
                        + options.requestTimeout().toMillis() + " ms", cause);
            }
            if (cause instanceof ConnectionLostException cle
                    && cle.lost().kind() == ConnectionLost.Kind.PROTOCOL_ERROR) {
                throw new ConnectFailure(ConnectFailure.Kind.NOT_A_REMOTED, endpoint
                        + ": the peer completed TLS but does not speak the executor protocol: " + cle.lost().detail(),
                        cause);
            }
            throw new ConnectFailure(ConnectFailure.Kind.PROTOCOL_ERROR, endpoint + ": register failed: "
                    + GuestText.cut(cause.getMessage()), cause);
        }
        long t1 = System.nanoTime();
        String id = reply.xml().attr(Lrmd.CLIENTID);
        if (reply.rc() != 0 || !Lrmd.OP_REGISTER.equals(reply.op()) || id == null || id.isEmpty()) {
            close();
            throw new ConnectFailure(ConnectFailure.Kind.PROTOCOL_ERROR, endpoint + ": register rejected (rc="
                    + reply.rc() + (reply.rc() == -71 ? ", protocol version refused" : "") + ")");
        }
        clientId = id;
        String version = reply.xml().optAttr(Lrmd.PROTOCOL_VERSION).orElse("unknown");
        registration = new Registration(id, version, connection.info(), connection.connectNanos(),
                connection.handshakeNanos(), t1 - t0);
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public Registration registration() {
        return registration;
    }

    @Override
    public boolean isOpen() {
        return !ended.get();
    }

    @Override
    public BufferStats bufferStats() {
        return correlator.stats();
    }

    // ---------------------------------------------------------------- requests

    private static <T> CompletableFuture<T> expectOk(CompletableFuture<Reply> f, String op, Function<Reply, T> value) {
        return f.thenApply(r -> {
            if (r.rc() < 0) {
                throw new RequestFailedException(op, r.rc());
            }
            return value.apply(r);
        });
    }

    @Override
    public CompletableFuture<Duration> poke(Duration timeout) {
        CompletableFuture<Duration> result = new CompletableFuture<>();
        long start = System.nanoTime();
        var deadline = timer.schedule(() -> result.completeExceptionally(new RequestTimeoutException(
                endpoint + ": remote executor did not respond to a poke within " + timeout.toMillis() + " ms")),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        result.whenComplete((d, e) -> {
            deadline.cancel(false);
            correlator.forgetPoke(result);
        });
        channel.request(id -> Requests.poke(id, clientId), timeout, Lrmd.OP_POKE,
                new CallCorrelator.Expectation.Poke(start, result)).whenComplete((reply, error) -> {
                    if (error != null) {
                        result.completeExceptionally(unwrap(error));
                    }
                });
        return result;
    }

    @Override
    public CompletableFuture<Void> registerResource(ResourceSpec spec) {
        return expectOk(channel.request(id -> Requests.registerResource(id, clientId, spec), options.requestTimeout(),
                Lrmd.OP_RSC_REG, null), Lrmd.OP_RSC_REG + " " + spec.id(), r -> null);
    }

    @Override
    public CompletableFuture<Optional<ResourceSpec>> resourceInfo(String resourceId) {
        return channel.request(id -> Requests.resourceInfo(id, clientId, resourceId), options.requestTimeout(),
                Lrmd.OP_RSC_INFO, null).thenApply(r -> {
                    if (r.rc() == -19) {
                        return Optional.empty();
                    }
                    if (r.rc() < 0) {
                        throw new RequestFailedException(Lrmd.OP_RSC_INFO + " " + resourceId, r.rc());
                    }
                    XmlElement x = r.xml();
                    return Optional.of(new ResourceSpec(resourceId, nz(x.attr(Lrmd.CLASS)), x.attr(Lrmd.PROVIDER),
                            nz(x.attr(Lrmd.RSC_TYPE))));
                });
    }

    @Override
    public CompletableFuture<Void> unregisterResource(String resourceId) {
        return channel.request(id -> Requests.unregisterResource(id, clientId, resourceId), options.requestTimeout(),
                Lrmd.OP_RSC_UNREG, null).thenApply(r -> {
                    if (r.rc() < 0 && r.rc() != -115) {
                        throw new RequestFailedException(Lrmd.OP_RSC_UNREG + " " + resourceId, r.rc());
                    }
                    return null;
                });
    }

    @Override
    public CompletableFuture<Operation> exec(ExecRequest req) {
        String what = Lrmd.OP_RSC_EXEC + " " + req.userData();
        CompletableFuture<ExecResult> first = new CompletableFuture<>();
        return channel.request(id -> Requests.exec(id, clientId, req), options.requestTimeout(), what,
                new CallCorrelator.Expectation.Exec(req, first)).thenApply(r -> {
                    int callId = r.rc();
                    if (callId <= 0) {
                        throw new RequestFailedException(what, callId);
                    }
                    // the reader registered the call id before completing the reply, and ends fail `first`
                    return new Operation(req, callId, first);
                });
    }

    @Override
    public CompletableFuture<ExecResult> execAndWait(ExecRequest req) {
        long budget = req.startDelayMs() + req.timeoutMs() + options.requestTimeout().toMillis();
        return exec(req).thenCompose(op -> op.firstResult()
                .orTimeout(budget, TimeUnit.MILLISECONDS)
                .exceptionally(e -> {
                    Throwable c = unwrap(e);
                    if (c instanceof java.util.concurrent.TimeoutException) {
                        throw new RequestTimeoutException(endpoint + ": no result for " + req.userData()
                                + " (call " + op.callId() + ") within " + budget + " ms");
                    }
                    throw c instanceof RuntimeException re ? re : new IllegalStateException(c);
                }));
    }

    @Override
    public CompletableFuture<Void> cancel(String resourceId, String action, long intervalMs) {
        return expectOk(channel.request(id -> Requests.cancel(id, clientId, resourceId, action, intervalMs),
                options.requestTimeout(), Lrmd.OP_RSC_CANCEL, null), Lrmd.OP_RSC_CANCEL + " " + resourceId + "_" + action
                + "_" + intervalMs, r -> null);
    }

    @Override
    public CompletableFuture<List<RecurringOp>> recurringOps(String resourceId) {
        return expectOk(channel.request(id -> Requests.getRecurring(id, clientId, resourceId), options.requestTimeout(),
                Lrmd.OP_GET_RECURRING, null), Lrmd.OP_GET_RECURRING, r -> Messages.recurringOps(r.xml()));
    }

    // ---------------------------------------------------------------- reading and dispatch

    private void readLoop() {
        ConnectionLost cause;
        try {
            while (true) {
                String xml = reader.read();
                if (xml == null) {
                    cause = lossAtEof("remote sent TLS close_notify", ConnectionLost.Kind.CLOSED_BY_PEER);
                    break;
                }
                Inbound message = Messages.decode(XmlCodec.parse(xml));
                dispatch(message);
            }
        } catch (FrameException | MessageException e) {
            cause = new ConnectionLost(ConnectionLost.Kind.PROTOCOL_ERROR, e.getMessage(), clock.instant());
            LOG.warn("{}: dropping the connection: {}", endpoint, GuestText.forLog(cause.detail()));
        } catch (TlsNoCloseNotifyException e) {
            cause = lossAtEof("connection ended without TLS close_notify", ConnectionLost.Kind.PEER_VANISHED);
        } catch (EOFException e) {
            cause = lossAtEof(String.valueOf(e.getMessage()), ConnectionLost.Kind.PEER_VANISHED);
        } catch (IOException e) {
            cause = new ConnectionLost(closedLocally ? ConnectionLost.Kind.LOCAL_CLOSE : ConnectionLost.Kind.IO_ERROR,
                    String.valueOf(e.getMessage()), clock.instant());
        } catch (RuntimeException e) {
            cause = new ConnectionLost(ConnectionLost.Kind.PROTOCOL_ERROR, "unexpected: " + e, clock.instant());
            LOG.warn("{}: dropping the connection after an unexpected error: {}", endpoint,
                    GuestText.forLog(cause.detail()));
            LOG.debug("{}: the unexpected error", endpoint, e);
        }
        reader.close();
        end(cause);
    }

    private ConnectionLost lossAtEof(String detail, ConnectionLost.Kind kind) {
        if (closedLocally) {
            return new ConnectionLost(ConnectionLost.Kind.LOCAL_CLOSE, "closed by guestnode", clock.instant());
        }
        long at = shutdownRequestedAt;
        if (at >= 0 && System.nanoTime() - at < SHUTDOWN_EOF_WINDOW_NANOS) {
            return new ConnectionLost(ConnectionLost.Kind.GUEST_SHUTDOWN,
                    "remote announced shutdown (shutdown_req), then " + detail, clock.instant());
        }
        return new ConnectionLost(kind, detail, clock.instant());
    }

    private void dispatch(Inbound message) {
        switch (message) {
            case Reply r -> {
                if (!channel.onReply(r)) {
                    LOG.debug("{}: reply to unknown or expired request {}", endpoint, r.msgId());
                }
            }
            case Notification.Poke p -> onPoke(p);
            case Notification.Exec e -> onExecResult(e.result());
            case Notification.IpcProxy ipc -> {
                if (ipc.shutdownRequest()) {
                    shutdownRequestedAt = System.nanoTime();
                    LOG.info("{}: remote executor announced its shutdown", endpoint);
                } else if ("new".equals(ipc.ipcOp())) {
                    refuseIpcSession(ipc.session());
                }
                notifyListener(ipc);
            }
            case Notification n -> notifyListener(n);
        }
    }

    private void onPoke(Notification.Poke p) {
        CallCorrelator.Completion<Duration> ours = correlator.onPoke(p.callId(), System.nanoTime());
        if (ours != null) {
            ours.run();
        }
    }

    private void onExecResult(ExecResult r) {
        CallCorrelator.Completion<ExecResult> ours = correlator.onResult(r);
        // The listener hears of a result before any future completes with it.
        try {
            listener.onExecResult(r, ours != null);
        } catch (RuntimeException e) {
            LOG.warn("{}: listener failed on a result", endpoint, e);
        }
        if (ours != null) {
            ours.run();
        }
    }

    private void notifyListener(Notification n) {
        try {
            listener.onNotification(n);
        } catch (RuntimeException e) {
            LOG.warn("{}: listener failed on a notification", endpoint, e);
        }
    }

    /** guestnode serves no guest-side CLI tools through the proxy: refuse such sessions at once. */
    private void refuseIpcSession(String session) {
        if (!options.ipcProvider() || session.isEmpty()) {
            return;
        }
        Thread.ofVirtual().start(() -> {
            try {
                channel.send(id -> Requests.ipcDestroy(id, session), options.requestTimeout(), "ipc_destroy");
            } catch (IOException e) {
                LOG.debug("{}: could not refuse IPC session {}: {}", endpoint, GuestText.forLog(session),
                        GuestText.forLog(e.toString()));
            }
        });
    }

    @Override
    public CompletableFuture<Void> answerShutdown(ShutdownAnswer answer) {
        if (ended.get()) {
            return CompletableFuture.failedFuture(new ConnectionLostException(new ConnectionLost(
                    ConnectionLost.Kind.LOCAL_CLOSE, "the session has ended", clock.instant())));
        }
        try {
            channel.send(id -> Requests.shutdownAnswer(id, answer), options.requestTimeout(), answer.ipcOp());
            LOG.info("{}: answered the remote executor's shutdown request: {}", endpoint, answer.ipcOp());
            return CompletableFuture.completedFuture(null);
        } catch (IOException e) {
            ConnectionLost cause = new ConnectionLost(ConnectionLost.Kind.IO_ERROR, "write failed: " + e.getMessage(),
                    clock.instant());
            end(cause);
            return CompletableFuture.failedFuture(new ConnectionLostException(cause));
        }
    }

    // ---------------------------------------------------------------- ending

    private void end(ConnectionLost cause) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        connection.abort();
        channel.fail(cause);
        if (cause.kind() != ConnectionLost.Kind.LOCAL_CLOSE) {
            LOG.info("{}: {} ({})", endpoint, cause.reason(), GuestText.forLog(cause.detail()));
        }
        try {
            listener.onConnectionLost(cause);
        } catch (RuntimeException e) {
            LOG.warn("{}: listener failed on connection loss", endpoint, e);
        }
    }

    @Override
    public void close() {
        if (ended.get()) {
            return;
        }
        closedLocally = true;
        connection.close();
        end(new ConnectionLost(ConnectionLost.Kind.LOCAL_CLOSE, "closed by guestnode", clock.instant()));
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof java.util.concurrent.CompletionException
                || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
