package io.guestnode.operator.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where actions run: one serial lane per guest node (its actions in order, guests never waiting for each other), and
 * fences apart from the lanes, each on its own thread, so that a fence never queues behind a call its guest's lane is
 * stuck in. Nothing is submitted once closing has begun.
 */
final class Lanes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Lanes.class);

    private final Map<String, ExecutorService> lanes = new ConcurrentHashMap<>();
    private final ExecutorService fences = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("fence ", 0).factory());
    private volatile boolean closed;

    /** Runs {@code task} on the guest's lane, after what is queued there; false once closed. */
    boolean onLane(String node, Runnable task) {
        if (closed) {
            return false;
        }
        try {
            lanes.computeIfAbsent(node, n -> Executors.newSingleThreadExecutor(
                    Thread.ofVirtual().name("lane " + n).factory())).execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            LOG.debug("[{}] not run: closing", node);
            return false;
        }
    }

    /** Runs a fence at once, whatever the guest's lane is doing; false once closed. */
    boolean fence(Runnable task) {
        if (closed) {
            return false;
        }
        try {
            fences.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        lanes.values().forEach(ExecutorService::shutdownNow);
        fences.shutdownNow();
    }
}
