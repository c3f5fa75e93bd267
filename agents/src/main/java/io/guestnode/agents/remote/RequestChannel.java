package io.guestnode.agents.remote;

import io.guestnode.agents.remote.frame.FrameWriter;
import io.guestnode.agents.remote.message.Reply;
import io.guestnode.agents.remote.message.XmlCodec;
import io.guestnode.agents.remote.message.XmlElement;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The sending half of a session: numbers requests, writes each within its deadline, and matches replies to them
 * by message id. A request's write and its reply share one deadline; a write still blocked when it passes (a peer
 * that stopped reading, its receive window full) fails the request with a timeout and ends the session, since
 * closing the socket is the only way to free a writer stuck in the TCP send.
 */
final class RequestChannel {
    private final Endpoint endpoint;
    private final FrameWriter writer;
    private final ScheduledExecutorService timer;
    private final CallCorrelator correlator;
    private final Consumer<ConnectionLost> end;
    private final Clock clock;
    private final AtomicLong nextMsgId = new AtomicLong(1);
    private final Map<Long, CompletableFuture<Reply>> pendingReplies = new ConcurrentHashMap<>();
    private volatile ConnectionLost lost;

    /**
     * @param end ends the session (idempotent); called when a write fails or misses its deadline
     */
    RequestChannel(Endpoint endpoint, FrameWriter writer, ScheduledExecutorService timer, CallCorrelator correlator,
                   Consumer<ConnectionLost> end, Clock clock) {
        this.endpoint = endpoint;
        this.writer = writer;
        this.timer = timer;
        this.correlator = correlator;
        this.end = end;
        this.clock = clock;
    }

    /**
     * Sends a request and returns its reply, within {@code timeout} for both.
     *
     * @param expectation what the correlator must match once the reply names a call id; may be {@code null}
     */
    CompletableFuture<Reply> request(LongFunction<XmlElement> build, Duration timeout, String what,
                                     CallCorrelator.Expectation expectation) {
        CompletableFuture<Reply> f = new CompletableFuture<>();
        ConnectionLost l = lost;
        if (l != null) {
            f.completeExceptionally(new ConnectionLostException(l));
            return f;
        }
        long msgId = nextMsgId.getAndIncrement();
        long start = System.nanoTime();
        if (expectation != null) {
            correlator.expect(msgId, expectation);
        }
        pendingReplies.put(msgId, f);
        f.whenComplete((r, e) -> {
            if (e != null) {
                correlator.forget(msgId);
            }
        });
        try {
            write(XmlCodec.write(build.apply(msgId)), timeout, what, f);
        } catch (IOException e) {
            pendingReplies.remove(msgId, f);
            ConnectionLost cause = new ConnectionLost(ConnectionLost.Kind.IO_ERROR, "write failed: " + e.getMessage(),
                    clock.instant());
            f.completeExceptionally(new ConnectionLostException(cause));
            end.accept(cause);
            return f;
        }
        long left = timeout.toNanos() - (System.nanoTime() - start);
        var deadline = timer.schedule(() -> {
            if (pendingReplies.remove(msgId, f)) {
                f.completeExceptionally(new RequestTimeoutException(endpoint + ": no reply to " + what + " within "
                        + timeout.toMillis() + " ms"));
            }
        }, Math.max(0, left), TimeUnit.NANOSECONDS);
        f.whenComplete((r, e) -> deadline.cancel(false));
        // A loss between put() and here has already failed every pending reply, including f.
        return f;
    }

    /** Sends a message that gets no reply, within {@code timeout}. */
    void send(LongFunction<XmlElement> build, Duration timeout, String what) throws IOException {
        write(XmlCodec.write(build.apply(nextMsgId.getAndIncrement())), timeout, what, null);
    }

    /**
     * Writes one message, or ends the session when the write has not completed within {@code timeout}.
     *
     * @param request failed with a {@link RequestTimeoutException} if the deadline passes; may be {@code null}
     */
    private void write(String xml, Duration timeout, String what, CompletableFuture<Reply> request)
            throws IOException {
        AtomicBoolean settled = new AtomicBoolean();
        var guard = timer.schedule(() -> {
            if (settled.compareAndSet(false, true)) {
                String detail = "could not write " + what + " within " + timeout.toMillis()
                        + " ms: the remote does not read";
                if (request != null) {
                    pendingReplies.values().remove(request);
                    request.completeExceptionally(new RequestTimeoutException(endpoint + ": " + detail));
                }
                end.accept(new ConnectionLost(ConnectionLost.Kind.IO_ERROR, detail, clock.instant()));
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            writer.write(xml);
        } finally {
            settled.set(true);
            guard.cancel(false);
        }
    }

    /**
     * A reply arrived (on the reader thread): the correlator learns its call id first, then its request completes.
     *
     * @return false when no request waits for it any more (timed out, or never sent)
     */
    boolean onReply(Reply r) {
        CallCorrelator.Completion<?> early = correlator.onReply(r);
        if (early != null) {
            early.run();
        }
        CompletableFuture<Reply> f = pendingReplies.remove(r.msgId());
        if (f == null) {
            return false;
        }
        f.complete(r);
        return true;
    }

    /** The session ended: later requests fail at once, pending ones now. */
    void fail(ConnectionLost cause) {
        lost = cause;
        ConnectionLostException failure = new ConnectionLostException(cause);
        for (Long id : List.copyOf(pendingReplies.keySet())) {
            CompletableFuture<Reply> f = pendingReplies.remove(id);
            if (f != null) {
                f.completeExceptionally(failure);
            }
        }
        correlator.endAll().forEach(f -> f.completeExceptionally(failure));
    }
}
