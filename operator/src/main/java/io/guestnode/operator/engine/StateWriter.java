package io.guestnode.operator.engine;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the engine's snapshots to the state store off the control loop: a write with its fsyncs takes
 * milliseconds, and the loop must not pay them on every step. The writer takes the latest snapshot; intermediate ones
 * are skipped. An operator's command is acknowledged only once a snapshot at least as new as the one it produced is
 * on disk ({@link #awaitSaved}).
 */
public final class StateWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StateWriter.class);

    /** Saves a snapshot durably, or says why it could not. */
    @FunctionalInterface
    public interface Persister {
        void save(Engine.Snapshot s) throws IOException;
    }

    /** A command's effect could not be made durable in time. */
    static final class NotSaved extends Exception {
        NotSaved(String message) {
            super(message);
        }
    }

    private final Persister persister;
    private final AtomicReference<Engine.Snapshot> unsaved = new AtomicReference<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("state-writer").factory());
    private final Object progress = new Object();
    private long savedSeq = -1;
    private long failedSeq = -1;
    private String lastError = "";

    StateWriter(Persister persister) {
        this.persister = persister;
    }

    /** The newest snapshot; written soon, unless a newer one comes first. */
    void offer(Engine.Snapshot s) {
        if (unsaved.getAndSet(s) == null) {
            try {
                writer.execute(this::writeLatest);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.debug("state writer closed; snapshot {} not written", s.seq());
            }
        }
    }

    private void writeLatest() {
        Engine.Snapshot s = unsaved.getAndSet(null);
        if (s == null) {
            return;
        }
        try {
            persister.save(s);
            synchronized (progress) {
                savedSeq = Math.max(savedSeq, s.seq());
                progress.notifyAll();
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot write the state file: {}", e.getMessage());
            synchronized (progress) {
                failedSeq = Math.max(failedSeq, s.seq());
                lastError = String.valueOf(e.getMessage());
                progress.notifyAll();
            }
        }
    }

    /** Returns once snapshot {@code seq} (or a newer one) is on disk; throws when its write failed or timed out. */
    void awaitSaved(long seq, Duration timeout) throws NotSaved, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (savedSeq < seq) {
                if (failedSeq >= seq) {
                    throw new NotSaved("the state file could not be written (" + lastError + ")");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new NotSaved("the state file was not written within " + timeout.toMillis() + " ms");
                }
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
        }
    }

    @Override
    public void close() {
        try {
            writer.execute(this::writeLatest);
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // closed already
        }
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
