package io.guestnode.operator.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives memory back after a burst of work. A host-wide start of hundreds of guests makes the heap grow; the serial
 * collector keeps what it committed until a full collection, which a quiet daemon never needs. Every half minute, when
 * much more heap is committed than used, one full collection runs and the heap shrinks to what the JVM options allow
 * ({@code -XX:MaxHeapFreeRatio}); a daemon in steady state then holds little more than its live data.
 */
public final class MemoryReturner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryReturner.class);
    static final Duration EVERY = Duration.ofSeconds(30);
    /** Committed but unused heap beyond this is given back. */
    static final long SLACK = 64L << 20;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("memory-returner").factory());

    public MemoryReturner() {
        timer.scheduleWithFixedDelay(this::check, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether so much heap is committed and unused that a full collection is worth its few milliseconds. */
    static boolean worthReturning(long committed, long used) {
        return committed - used > SLACK && used < committed / 2;
    }

    private void check() {
        MemoryUsage h = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        if (worthReturning(h.getCommitted(), h.getUsed())) {
            System.gc();
            MemoryUsage after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            LOG.debug("heap given back: committed {} MiB -> {} MiB, {} MiB in use", h.getCommitted() >> 20,
                    after.getCommitted() >> 20, after.getUsed() >> 20);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
