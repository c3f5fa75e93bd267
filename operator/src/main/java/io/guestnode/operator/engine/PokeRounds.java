package io.guestnode.operator.engine;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * Pokes the open guest sessions in rounds: one thread wakes when the next guests are due, and pokes them all
 * together. Each poke is written on a thread of its own, so a guest that does not read holds up no other guest; its
 * answer is taken where it arrives, with no thread waiting for it. Pokes catch what TCP does not show: a frozen guest,
 * a paused VM, a dead network.
 */
final class PokeRounds {
    /**
     * A host pokes at most this many guests a second in all: past {@code 5 s x 20 = 100} guests the interval between
     * two pokes of one guest stretches to {@code guests / 20} seconds (Pacemaker's own connection monitor runs every
     * 30 s). A crashed guest or a dead remoted is noticed at once anyway (the TCP connection ends, libvirt reports the
     * domain); pokes catch a guest that hangs.
     */
    static final int POKES_PER_SECOND = 20;

    /**
     * Pokes of all guests fall on the boundaries of this tick (or of the interval when shorter): the guests due in
     * one tick are poked together, so the host wakes once a tick for them, not once a poke.
     */
    static final Duration POKE_TICK = Duration.ofSeconds(1);

    private final Collection<GuestSessions.Session> sessions;
    private final BiConsumer<GuestSessions.Session, Throwable> unanswered;
    private final Thread thread;
    /** When the round thread wakes next, in {@link #nowMs()}; {@code Long.MAX_VALUE} while nothing is due. */
    private volatile long wakeAtMs = Long.MAX_VALUE;
    private volatile boolean stopped;

    /**
     * @param sessions   the open sessions (a live view)
     * @param unanswered called once for a session whose poke failed or was not answered in time, while it is open
     */
    PokeRounds(Collection<GuestSessions.Session> sessions, BiConsumer<GuestSessions.Session, Throwable> unanswered) {
        this.sessions = sessions;
        this.unanswered = unanswered;
        this.thread = Thread.ofVirtual().name("poke rounds").unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** A session opens: its first poke is an interval from now. Call before the session is among the open ones. */
    void schedule(GuestSessions.Session s) {
        long now = nowMs();
        s.pokeDueMs = nextPoke(now, now, pokeEvery(s.pokeInterval, sessions.size() + 1));
    }

    /** A scheduled session is now among the open ones. */
    void opened(GuestSessions.Session s) {
        wakeFor(s.pokeDueMs);
    }

    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
    }

    /** The pause between two pokes of one guest when {@code guests} sessions are open. */
    static Duration pokeEvery(Duration interval, int guests) {
        Duration budget = Duration.ofMillis(guests * 1000L / POKES_PER_SECOND);
        return budget.compareTo(interval) > 0 ? budget : interval;
    }

    /**
     * When the next poke is due, in the milliseconds of {@code nowMs}: {@code every} after the previous one (after
     * now when that time has passed already, as when the previous poke took long), rounded up to a tick boundary.
     */
    static long nextPoke(long previousMs, long nowMs, Duration every) {
        long gap = every.toMillis();
        long tick = Math.max(1, Math.min(POKE_TICK.toMillis(), gap));
        long due = previousMs + gap > nowMs ? previousMs + gap : nowMs + gap;
        return Math.floorDiv(due + tick - 1, tick) * tick;
    }

    private void run() {
        while (!stopped) {
            long now = nowMs();
            long next = Long.MAX_VALUE;
            for (GuestSessions.Session s : sessions) {
                if (s.closing || s.poking) {
                    continue;
                }
                if (s.pokeDueMs <= now) {
                    s.poking = true;
                    Thread.ofVirtual().name("poke " + s.node).start(() -> poke(s));
                } else {
                    next = Math.min(next, s.pokeDueMs);
                }
            }
            wakeAtMs = next;
            if (next == Long.MAX_VALUE) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, (next - nowMs()) * 1_000_000L);
            }
        }
    }

    private void poke(GuestSessions.Session s) {
        long due = s.pokeDueMs;
        s.remote.poke(s.pokeTimeout).whenComplete((roundTrip, error) -> {
            if (error != null) {
                if (!s.closing && s.remote.isOpen()) {
                    unanswered.accept(s, error);
                }
                return;
            }
            s.pokeDueMs = nextPoke(due, nowMs(), pokeEvery(s.pokeInterval, sessions.size()));
            s.poking = false;
            wakeFor(s.pokeDueMs);
        });
    }

    /**
     * Wakes the round thread to look again, always: it may be between its look at the sessions and its park, where
     * {@link #wakeAtMs} still holds its last wake; a wake given then is kept for its park (a permit), so the poke just
     * answered is never left unscheduled while the thread sleeps with nothing due. At most one wake per poke answered.
     */
    private void wakeFor(long dueMs) {
        if (dueMs < wakeAtMs) {
            wakeAtMs = dueMs;
        }
        LockSupport.unpark(thread);
    }

    static long nowMs() {
        return System.nanoTime() / 1_000_000;
    }
}
