package io.guestnode.operator.engine;

import io.guestnode.agents.remote.ConnectionLost;
import io.guestnode.agents.remote.RemoteExecutor;
import io.guestnode.agents.remote.SessionListener;
import io.guestnode.agents.remote.message.ExecResult;
import io.guestnode.agents.remote.message.ExecStatus;
import io.guestnode.agents.remote.message.Notification;
import io.guestnode.agents.remote.message.ResourceSpec;
import io.guestnode.agents.remote.message.ShutdownAnswer;
import io.guestnode.operator.planner.Event;
import io.guestnode.operator.planner.StateReducer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open session with each guest node's pacemaker-remoted, the resources registered on it, and the poke
 * loop that watches it. Turns what a session observes (results of recurring monitors, loss) into events.
 */
final class GuestSessions {
    private static final Logger LOG = LoggerFactory.getLogger(GuestSessions.class);

    /**
     * A host pokes at most this many guests a second in all: past {@code 5 s x 20 = 100} guests the interval between
     * two pokes of one guest stretches to {@code guests / 20} seconds (Pacemaker's own connection monitor runs every
     * 30 s). A crashed guest or a dead remoted is noticed at once anyway (the TCP connection ends, libvirt reports the
     * domain); pokes catch a guest that hangs.
     */
    static final int POKES_PER_SECOND = 20;

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Consumer<Event> events;
    private final Predicate<String> managed;

    /**
     * @param events  where what the sessions observe goes
     * @param managed whether guestnode acts on a guest node now (not unmanaged, not in maintenance): a guest's
     *                shutdown request is acknowledged only then, as Pacemaker's controller does
     */
    GuestSessions(Consumer<Event> events, Predicate<String> managed) {
        this.events = events;
        this.managed = managed;
    }

    /** One guest node's session. */
    static final class Session {
        final String node;
        final RemoteExecutor remote;
        final Set<String> registered = ConcurrentHashMap.newKeySet();
        volatile boolean closing;
        volatile Thread poker;

        Session(String node, RemoteExecutor remote) {
            this.node = node;
            this.remote = remote;
        }
    }

    /** The listener a new session reports to; {@code node} names the guest. */
    SessionListener listenerFor(String node, long pokeIntervalMs) {
        return new SessionListener() {
            @Override
            public void onExecResult(ExecResult r, boolean ours) {
                if (ours && r.intervalMs() > 0 && r.status() != ExecStatus.CANCELLED) {
                    Event.MonitorResult m = new Event.MonitorResult(r.resourceId(), node, r.intervalMs(), r.rc(),
                            statusWord(r.status()), r.exitReason());
                    if (!StateReducer.confirmsRunning(m)) { // the steady beat of healthy services wakes nobody
                        events.accept(m);
                    }
                }
            }

            @Override
            public void onNotification(Notification n) {
                if (n instanceof Notification.IpcProxy ipc && ipc.shutdownRequest()) {
                    LOG.warn("[{}] the guest announced its shutdown (shutdown_req)", node);
                    events.accept(new Event.ShutdownRequested(node));
                    Thread.ofVirtual().name("shutdown answer " + node).start(() -> answerShutdown(node));
                } else if (n instanceof Notification.NewClient) {
                    LOG.warn("[{}] another client connected to this guest's pacemaker-remoted: someone else holds "
                            + "the key (a cluster, or a second guestnode)", node);
                }
            }

            @Override
            public void onConnectionLost(ConnectionLost lost) {
                Session s = sessions.get(node);
                if (lost.kind() == ConnectionLost.Kind.LOCAL_CLOSE || (s != null && s.closing)) {
                    return;
                }
                sessions.remove(node);
                events.accept(new Event.ConnectionLost(node, lost.reason() + " (" + lost.detail() + ")", pokeIntervalMs));
            }
        };
    }

    /**
     * Answers a shutdown request as the controller does: ack when guestnode manages the guest (its services are then
     * stopped and the connection closed, and pacemaker-remoted 2.1.6+ exits), nack otherwise (it exits at once).
     * pacemaker-remoted 2.1.5 exits without reading the answer; a session that is gone is no error here.
     */
    private void answerShutdown(String node) {
        ShutdownAnswer answer = managed.test(node) ? ShutdownAnswer.ACK : ShutdownAnswer.NACK;
        try {
            for (int i = 0; i < 20; i++) {
                Session s = sessions.get(node);
                if (s != null) {
                    s.remote.answerShutdown(answer).join();
                    return;
                }
                Thread.sleep(50); // the request came before the session was recorded as open
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (CompletionException e) {
            LOG.debug("[{}] shutdown not answered: {}", node, e.getCause().toString());
        }
    }

    void opened(String node, RemoteExecutor remote, Duration pokeInterval, Duration pokeTimeout) {
        Session s = new Session(node, remote);
        Session old = sessions.put(node, s);
        if (old != null) {
            close(old);
        }
        s.poker = Thread.ofVirtual().name("poke " + node).start(() -> pokeLoop(s, pokeInterval, pokeTimeout));
    }

    /** The pause between two pokes of one guest when {@code guests} sessions are open. */
    static Duration pokeEvery(Duration interval, int guests) {
        Duration budget = Duration.ofMillis(guests * 1000L / POKES_PER_SECOND);
        return budget.compareTo(interval) > 0 ? budget : interval;
    }

    /**
     * Pokes of all guests fall on the boundaries of this tick (or of the interval when shorter): the guests due in
     * one tick are poked together, so the host wakes once a tick for them, not once a poke.
     */
    static final Duration POKE_TICK = Duration.ofSeconds(1);

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

    /**
     * Pokes every interval; an unanswered poke (frozen guest, paused VM, dead network) fails the connection.
     * TCP shows none of these.
     */
    private void pokeLoop(Session s, Duration interval, Duration timeout) {
        long due = nowMs();
        try {
            while (!s.closing && s.remote.isOpen()) {
                due = nextPoke(due, nowMs(), pokeEvery(interval, sessions.size()));
                Thread.sleep(Math.max(0, due - nowMs()));
                if (s.closing || !s.remote.isOpen()) {
                    return;
                }
                try {
                    s.remote.poke(timeout).join();
                } catch (CompletionException e) {
                    if (s.closing || !s.remote.isOpen()) {
                        return;
                    }
                    LOG.warn("[{}] {}", s.node, e.getCause().getMessage());
                    s.closing = true;
                    sessions.remove(s.node, s);
                    s.remote.close();
                    events.accept(new Event.ConnectionLost(s.node, "Remote executor did not respond",
                            interval.toMillis()));
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long nowMs() {
        return System.nanoTime() / 1_000_000;
    }

    Session get(String node) {
        return sessions.get(node);
    }

    void ensureRegistered(Session s, ResourceSpec spec) {
        if (s.registered.add(spec.id())) {
            try {
                s.remote.registerResource(spec).join();
            } catch (RuntimeException e) {
                s.registered.remove(spec.id());
                throw e;
            }
        }
    }

    void close(String node) {
        Session s = sessions.remove(node);
        if (s != null) {
            close(s);
        }
    }

    private static void close(Session s) {
        s.closing = true;
        if (s.poker != null) {
            s.poker.interrupt();
        }
        s.remote.close();
    }

    void closeAll() {
        for (String n : Set.copyOf(sessions.keySet())) {
            close(n);
        }
    }

    static String statusWord(ExecStatus s) {
        return switch (s) {
            case DONE -> "complete";
            case TIMED_OUT -> "Timed Out";
            case CANCELLED -> "Cancelled";
            case NOT_INSTALLED -> "Not installed";
            case NOT_CONNECTED -> "not connected";
            case ERROR_HARD -> "Hard error";
            case ERROR_FATAL -> "Fatal error";
            case NOT_SUPPORTED -> "Not supported";
            default -> "Error";
        };
    }
}
