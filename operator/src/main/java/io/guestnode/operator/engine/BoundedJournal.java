package io.guestnode.operator.engine;

import io.guestnode.operator.planner.Observed;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** The event journal the loop keeps: the newest {@link #SIZE} entries, each cut to a bounded length. */
final class BoundedJournal {
    static final int SIZE = 500;

    private final Deque<Engine.Journal.Entry> entries = new ArrayDeque<>();

    BoundedJournal(List<Engine.Journal.Entry> initial) {
        initial.forEach(e -> add(e.at(), e.what()));
    }

    void add(Instant at, String what) {
        entries.addLast(new Engine.Journal.Entry(at, Observed.cut(what)));
        while (entries.size() > SIZE) {
            entries.removeFirst();
        }
    }

    List<Engine.Journal.Entry> entries() {
        return List.copyOf(entries);
    }
}
