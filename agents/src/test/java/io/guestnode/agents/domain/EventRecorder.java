package io.guestnode.agents.domain;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Collects domain events and waits for one. */
final class EventRecorder implements DomainEventListener {
    final List<DomainEvent> events = new CopyOnWriteArrayList<>();
    final List<Long> nanos = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(DomainEvent event) {
        nanos.add(System.nanoTime());
        events.add(event);
    }

    /** Waits for a matching event; returns the nanoTime it arrived. */
    long await(Predicate<DomainEvent> p, long timeoutMs) throws InterruptedException {
        return awaitAfter(0, p, timeoutMs);
    }

    /** The place of the next event, for {@link #awaitAfter}. */
    int mark() {
        return events.size();
    }

    /** Waits for a matching event at or after {@code mark}; returns the nanoTime it arrived. */
    long awaitAfter(int mark, Predicate<DomainEvent> p, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (System.nanoTime() < deadline) {
            for (int i = mark; i < events.size(); i++) {
                if (p.test(events.get(i))) {
                    return nanos.get(i);
                }
            }
            Thread.sleep(2);
        }
        throw new AssertionError("no matching event within " + timeoutMs + " ms; saw " + events);
    }
}
