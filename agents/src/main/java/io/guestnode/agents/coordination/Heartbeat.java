package io.guestnode.agents.coordination;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to this host's session every {@link Timing#HEARTBEAT} and judges, on its own timer, whether the host still
 * reaches a quorum ({@link QuorumClock}): silent for S/3, it moves the session to another ZooKeeper server; silent
 * for S, it tells the host to fence itself (refuse starts, destroy its guests), once, and tells it again when writes
 * are acknowledged anew.
 */
public final class Heartbeat implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);
    static final Duration CHECK = Duration.ofMillis(100);

    /** What the host does when it loses or regains the quorum. */
    public interface Listener {
        /** No write acknowledged for S: refuse new starts and destroy every local guest now. */
        void selfFence(Duration silence);

        /** Writes are acknowledged again after a self-fence. */
        void quorumRegained();
    }

    /** Sends one write on the host's session; calls back with its send time once a quorum acknowledged it. */
    public interface Writer {
        void write(long sentAt, LongConsumer acknowledged);
    }

    private final QuorumClock clock;
    private final Timing timing;
    private final Writer writer;
    private final Runnable moveSession;
    private final Listener listener;
    private final LongSupplier nanos;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("quorum-heartbeat").factory());
    private boolean fenced;
    private long lastMove;

    public Heartbeat(Timing timing, Writer writer, Runnable moveSession, Listener listener, LongSupplier nanos) {
        this.timing = timing;
        this.clock = new QuorumClock(timing);
        this.writer = writer;
        this.moveSession = moveSession;
        this.listener = listener;
        this.nanos = nanos;
    }

    public void start() {
        timer.scheduleAtFixedRate(this::send, 0, Timing.HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleAtFixedRate(this::check, CHECK.toMillis(), CHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Until when the host may run guests ({@link System#nanoTime()}); what the host watchdog is fed. */
    public synchronized long freshUntil() {
        return clock.everAcknowledged() ? clock.freshUntil() : nanos.getAsLong();
    }

    public synchronized boolean fresh() {
        return clock.verdict(nanos.getAsLong()) != QuorumClock.Verdict.SELF_FENCE;
    }

    private void send() {
        try {
            writer.write(nanos.getAsLong(), this::acknowledged);
        } catch (RuntimeException e) {
            LOG.debug("heartbeat write not sent: {}", e.toString());
        }
    }

    private synchronized void acknowledged(long sentAt) {
        clock.acknowledged(sentAt);
    }

    private void check() {
        QuorumClock.Verdict v;
        Duration silence;
        boolean regained = false;
        synchronized (this) {
            if (!clock.everAcknowledged()) {
                return; // not fresh yet (fresh() says no): nothing to fence before the host has ever been fresh
            }
            long now = nanos.getAsLong();
            v = clock.verdict(now);
            silence = clock.silence(now);
            if (v != QuorumClock.Verdict.SELF_FENCE && fenced) {
                fenced = false;
                regained = true;
            }
        }
        try {
            if (regained) {
                LOG.warn("writes are acknowledged again: the host reaches a ZooKeeper quorum");
                listener.quorumRegained();
            }
            switch (v) {
                case MOVE_SESSION -> move(silence);
                case SELF_FENCE -> selfFence(silence);
                case FRESH -> {
                }
            }
        } catch (RuntimeException e) {
            LOG.error("quorum check failed: {}", e.toString());
        }
    }

    /**
     * Drops the connection to the silent server; not again within twice the switch time, so that a reconnection in
     * progress (the client waits up to a second before it, then connects to the next server of its list) is not cut.
     */
    private void move(Duration silence) {
        long now = nanos.getAsLong();
        if (lastMove != 0 && now - lastMove < timing.switchAfter().multipliedBy(2).toNanos()) {
            return;
        }
        lastMove = now;
        LOG.warn("no write acknowledged for {} ms: moving the session to another ZooKeeper server",
                silence.toMillis());
        moveSession.run();
    }

    private void selfFence(Duration silence) {
        synchronized (this) {
            if (fenced) {
                return;
            }
            fenced = true;
        }
        LOG.error("no write acknowledged by a ZooKeeper quorum for {} ms (self-fence after {} ms): this host "
                + "refuses new starts and destroys its guests", silence.toMillis(), timing.selfFenceAfter().toMillis());
        listener.selfFence(silence);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
