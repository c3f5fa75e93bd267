package io.guestnode.operator.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds what one source may have waiting in the control loop's inbox: a guest that floods results of its
 * recurring monitors (or a domain whose lifecycle events storm) gets at most {@link #PER_SOURCE} queued; more are
 * dropped and counted. A dropped monitor result is repeated by the next one; the flood stalls nobody else.
 */
final class InboxGate {
    static final int PER_SOURCE = 32;

    private final Map<String, AtomicInteger> queued = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();

    /** Whether one more event of {@code source} may be queued; if so, {@link #taken} must follow its handling. */
    boolean admit(String source) {
        AtomicInteger n = queued.computeIfAbsent(source, k -> new AtomicInteger());
        if (n.incrementAndGet() > PER_SOURCE) {
            n.decrementAndGet();
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    void taken(String source) {
        AtomicInteger n = queued.get(source);
        if (n != null) {
            n.decrementAndGet();
        }
    }

    long dropped() {
        return dropped.get();
    }
}
