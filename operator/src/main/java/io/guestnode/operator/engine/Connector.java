package io.guestnode.operator.engine;

import io.guestnode.agents.remote.ConnectFailure;
import io.guestnode.agents.remote.ConnectOptions;
import io.guestnode.agents.remote.Endpoint;
import io.guestnode.agents.remote.RemoteExecutor;
import io.guestnode.agents.remote.RemoteExecutorClient;
import io.guestnode.agents.remote.SessionListener;
import io.guestnode.agents.remote.tls.AuthKey;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a connection resource: connects and registers, retrying refused or unreachable ports until
 * remote-connect-timeout. The pause between attempts follows how many connections are starting at once: 5 ms
 * for one or two guests (online within a few ms of its remoted listening; Pacemaker waits 1 s), 2 ms per guest
 * starting alongside beyond that, at most 250 ms, so that a host-wide start of hundreds of guests makes about 500
 * refused attempts a second in all and leaves the cores to the guests that are booting. A rejected key, or a peer
 * that is not pacemaker-remoted, fails at once: retrying cannot fix it.
 */
final class Connector {
    static final long MIN_RETRY_MS = 5;
    static final long MAX_RETRY_MS = 250;
    static final long PER_STARTING_MS = 2;
    /**
     * A TCP connect that gets no answer (a SYN to a guest still booting, or to a stale neighbour entry) is cut
     * short and tried again, rather than waiting Pacemaker's 10 s per attempt.
     */
    private static final Duration MAX_CONNECT_ATTEMPT = Duration.ofSeconds(1);
    /**
     * While at most this many connections are starting, an attempt whose SYN has no answer sends another every
     * {@link #SYN_RESEND} (on a socket of its own, the first kept open) instead of waiting the kernel's 1 s: a guest
     * just resumed on this host answers the first SYN sent after its network moved here. With more, one SYN at a
     * time: a host-wide start must not multiply its sockets.
     */
    static final int FEW_STARTING = 8;
    static final Duration SYN_RESEND = Duration.ofMillis(50);
    private static final Duration MAX_ATTEMPT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(Connector.class);
    private final RemoteExecutorClient client;
    private final AtomicInteger starting = new AtomicInteger();

    Connector(RemoteExecutorClient client) {
        this.client = client;
    }

    /** The pause between two attempts when {@code starting} connections are being started at once. */
    static long retryPauseMs(int starting) {
        return Math.clamp(starting * PER_STARTING_MS, MIN_RETRY_MS, MAX_RETRY_MS);
    }

    /** How often an unanswered SYN is resent when {@code starting} connections are being started at once. */
    static Duration synResend(int starting) {
        return starting <= FEW_STARTING ? SYN_RESEND : Duration.ZERO;
    }

    RemoteExecutor connect(Endpoint endpoint, AuthKey key, String clientName, Duration timeout,
                           SessionListener listener) throws ConnectFailure, InterruptedException {
        starting.incrementAndGet();
        try {
            return attempts(endpoint, key, clientName, timeout, listener);
        } finally {
            starting.decrementAndGet();
        }
    }

    private RemoteExecutor attempts(Endpoint endpoint, AuthKey key, String clientName, Duration timeout,
                                    SessionListener listener) throws ConnectFailure, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ConnectFailure last = null;
        int attempts = 0;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            Duration attempt = Duration.ofNanos(Math.min(left, MAX_ATTEMPT.toNanos()));
            // as the controller does, sign on as the IPC provider: pacemaker-remoted then announces the guest's shutdown
            // (shutdown_req) to us; guest-side CLI sessions are refused at once
            ConnectOptions options = ConnectOptions.defaults().withClientName(clientName).withIpcProvider(true)
                    .withConnectTimeout(min(attempt, MAX_CONNECT_ATTEMPT))
                    .withSynResend(synResend(starting.get()))
                    .withHandshakeTimeout(min(attempt, Duration.ofSeconds(5)))
                    .withRequestTimeout(min(attempt, Duration.ofSeconds(10)));
            attempts++;
            try {
                RemoteExecutor remote = client.connect(endpoint, key, options, listener);
                var r = remote.registration();
                LOG.info("{}: connected at attempt {}: tcp {} ms, tls {} ms, register {} ms", endpoint, attempts,
                        r.connectNanos() / 1_000_000, r.handshakeNanos() / 1_000_000, r.registerNanos() / 1_000_000);
                return remote;
            } catch (ConnectFailure f) {
                if (!f.kind().retryable()) {
                    throw f;
                }
                last = f;
            }
            long pause = Math.min(retryPauseMs(starting.get()), Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
            if (pause > 0) {
                Thread.sleep(pause);
            }
        }
        String why = last == null ? "no attempt fitted in the time" : last.oneLine();
        throw new ConnectFailure(ConnectFailure.Kind.TIMEOUT, endpoint + ": not connected within "
                + timeout.toMillis() + " ms (remote-connect-timeout) after " + attempts + " attempts; last: " + why);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }
}
