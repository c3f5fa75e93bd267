package io.guestnode.operator.engine;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A function waiting for the control loop. It runs at most once, and never after its caller gave up: a command that
 * timed out for the operator is not carried out later behind their back.
 */
final class PendingCall<T> {
    private enum Phase { WAITING, RUNNING, WITHDRAWN }

    private final Function<Engine, T> f;
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.WAITING);
    private final CompletableFuture<T> result = new CompletableFuture<>();

    PendingCall(Function<Engine, T> f) {
        this.f = f;
    }

    /** On the loop: runs the function unless its caller withdrew it. */
    void run(Engine e) {
        if (!phase.compareAndSet(Phase.WAITING, Phase.RUNNING)) {
            return;
        }
        try {
            result.complete(f.apply(e));
        } catch (RuntimeException ex) {
            result.completeExceptionally(ex);
        }
    }

    /**
     * The result; when the loop has not begun it within {@code timeout}, the call is withdrawn and an
     * IllegalStateException says so. A call the loop has begun is waited for: it is short, and its effect happens.
     */
    T await(Duration timeout) throws InterruptedException {
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (phase.compareAndSet(Phase.WAITING, Phase.WITHDRAWN)) {
                throw new IllegalStateException("the control loop did not take the request within "
                        + timeout.toMillis() + " ms; nothing was done");
            }
            try {
                return result.get();
            } catch (ExecutionException ex) {
                throw rethrow(ex);
            }
        } catch (ExecutionException e) {
            throw rethrow(e);
        }
    }

    private static RuntimeException rethrow(ExecutionException e) {
        return e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    }
}
