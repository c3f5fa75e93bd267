package io.guestnode.agents.domain;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs libvirt calls on an executor with a deadline that measures the call, not its wait for a thread: the clock
 * starts when the call is issued to libvirt. A call past its deadline keeps its thread (libvirt cannot be
 * interrupted) and is counted as overdue until it returns; several overdue at once is overload, which is libvirt's
 * trouble, not the guest's.
 */
final class CallClock {
    /** This many calls past their deadline at once make libvirt overloaded. */
    static final int OVERLOAD_OVERDUE = 3;
    /** A call that waits this long for a thread is not issued at all: overload. */
    static final Duration MAX_QUEUE_WAIT = Duration.ofSeconds(30);

    private final AtomicInteger overdue = new AtomicInteger();
    private final Duration maxQueueWait;

    /** How a call ran out of time. */
    static final class Late extends Exception {
        final boolean issued;
        final boolean overload;

        Late(String message, boolean issued, boolean overload) {
            super(message, null, false, false);
            this.issued = issued;
            this.overload = overload;
        }
    }

    CallClock() {
        this(MAX_QUEUE_WAIT);
    }

    CallClock(Duration maxQueueWait) {
        this.maxQueueWait = maxQueueWait;
    }

    /** Calls past their deadline whose threads are still in libvirt. */
    int overdue() {
        return overdue.get();
    }

    <T> T run(ExecutorService on, Callable<T> task, Duration timeout) throws ExecutionException, Late,
            InterruptedException {
        CompletableFuture<Long> issued = new CompletableFuture<>();
        AtomicInteger phase = new AtomicInteger(); // 0 running, 1 done, 2 abandoned
        Future<T> f = on.submit(() -> {
            if (!issued.complete(System.nanoTime())) {
                return null; // withdrawn before it was issued
            }
            try {
                return task.call();
            } finally {
                if (!phase.compareAndSet(0, 1)) {
                    overdue.decrementAndGet();
                }
            }
        });
        long t0;
        try {
            t0 = issued.get(maxQueueWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (issued.completeExceptionally(e)) {
                f.cancel(false);
                throw new Late("no libvirt call slot within " + maxQueueWait.toMillis() + " ms ("
                        + overdue.get() + " calls overdue)", false, true);
            }
            t0 = issued.join();
        }
        long left = t0 + timeout.toNanos() - System.nanoTime();
        try {
            return f.get(Math.max(1, left), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (!phase.compareAndSet(0, 2)) {
                return f.get(); // it finished just now
            }
            int now = overdue.incrementAndGet();
            throw new Late("libvirt did not answer within " + timeout.toMillis() + " ms" + (now >= OVERLOAD_OVERDUE
                    ? " (" + now + " calls overdue: libvirt is overloaded)" : ""), true, now >= OVERLOAD_OVERDUE);
        }
    }
}
