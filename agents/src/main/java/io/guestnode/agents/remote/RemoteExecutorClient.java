package io.guestnode.agents.remote;

import io.guestnode.agents.remote.frame.DecodeBudget;
import io.guestnode.agents.remote.tls.AuthKey;
import io.guestnode.agents.remote.tls.TlsConnection;
import io.guestnode.agents.remote.tls.TlsTransport;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Opens sessions with pacemaker-remoted: TCP, TLS-PSK, then register. One instance serves any number of
 * sessions and owns the timer thread that enforces their deadlines; close it when done.
 * A connect makes exactly one attempt: retry policy belongs to the caller.
 */
public final class RemoteExecutorClient implements AutoCloseable {
    private final ScheduledExecutorService timer;
    private final TlsTransport transport;
    private final Clock clock;
    /** Decoding memory shared by every session of this client ({@link DecodeBudget}). */
    private final DecodeBudget decodeBudget = new DecodeBudget(DecodeBudget.DEFAULT_BYTES);

    public RemoteExecutorClient() {
        this(Clock.systemUTC());
    }

    public RemoteExecutorClient(Clock clock) {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("remoted-timer").factory());
        t.setRemoveOnCancelPolicy(true);
        this.timer = Executors.unconfigurableScheduledExecutorService(t);
        this.transport = new TlsTransport(timer);
        this.clock = clock;
    }

    /**
     * Connects and signs on.
     *
     * @throws ConnectFailure classified by {@link ConnectFailure.Kind}; the message names the endpoint
     */
    public RemoteExecutor connect(Endpoint endpoint, AuthKey key, ConnectOptions options, SessionListener listener)
            throws ConnectFailure {
        TlsConnection tls = transport.open(endpoint, key, options.connectTimeout(), options.synResend(),
                options.handshakeTimeout(), options.quickAck(), options.minDhBits());
        RemoteSession session = new RemoteSession(endpoint, tls, options, timer, listener, clock, decodeBudget);
        session.startReader();
        session.register();
        return session;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
