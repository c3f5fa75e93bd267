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

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Consumer<Event> events;
    private final Predicate<String> managed;
    private final PokeRounds rounds;
    private final Predicate<String> stillOwner;

    /**
     * @param events     where what the sessions observe goes
     * @param managed    whether guestnode acts on a guest node now (not unmanaged, not in maintenance): a guest's
     *                   shutdown request is acknowledged only then, as Pacemaker's controller does
     * @param stillOwner asked after another client took a guest's remoted over and this host's session was closed:
     *                   whether this host still owns the guest (a host that does not has destroyed its copy)
     */
    GuestSessions(Consumer<Event> events, Predicate<String> managed, Predicate<String> stillOwner) {
        this.events = events;
        this.managed = managed;
        this.stillOwner = stillOwner;
        this.rounds = new PokeRounds(sessions.values(), this::unanswered);
        rounds.start();
    }

    /** One guest node's session. */
    static final class Session {
        final String node;
        final RemoteExecutor remote;
        final Duration pokeInterval;
        final Duration pokeTimeout;
        final Set<String> registered = ConcurrentHashMap.newKeySet();
        volatile boolean closing;
        /** When the next poke is due, in {@link PokeRounds#nowMs()}; meaningless while one is on its way. */
        volatile long pokeDueMs;
        volatile boolean poking;

        Session(String node, RemoteExecutor remote, Duration pokeInterval, Duration pokeTimeout) {
            this.node = node;
            this.remote = remote;
            this.pokeInterval = pokeInterval;
            this.pokeTimeout = pokeTimeout;
        }
    }

    /**
     * The listener a new session reports to; {@code node} names the guest. It is bound to its own session when that is
     * {@link #opened}: a notification on a session being replaced never acts on the one replacing it.
     */
    SessionListener listenerFor(String node, long pokeIntervalMs) {
        return new Bound() {
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
                    Session s = session;
                    if (s == null) {
                        early = true; // before this host recorded the session: acted on once it is
                    } else if (!s.closing) {
                        Thread.ofVirtual().name("takeover " + node).start(() -> takenOver(s));
                    }
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

    /** A listener and the session it reports on, once that is opened. */
    private abstract static class Bound implements SessionListener {
        volatile Session session;
        /** Another client signed on before the session was recorded. */
        volatile boolean early;
    }

    /** The session {@code remote} is open; {@code listener} is the one {@link #listenerFor} gave for it. */
    void opened(String node, RemoteExecutor remote, SessionListener listener, Duration pokeInterval,
                Duration pokeTimeout) {
        Session s = new Session(node, remote, pokeInterval, pokeTimeout);
        rounds.schedule(s);
        Session old = sessions.put(node, s);
        rounds.opened(s);
        if (listener instanceof Bound b) {
            b.session = s;
            if (b.early) {
                Thread.ofVirtual().name("takeover " + node).start(() -> takenOver(s));
            }
        }
        if (old != null) {
            close(old);
        }
    }

    /**
     * Another client signed on to the guest's remoted, which nobody expected: someone else holds the key (a cluster, a
     * second guestnode, a probe). This host's session is closed at once (nothing it reads from now on is trusted), the
     * owner is checked, and the engine is told; a host that still owns the guest connects again.
     */
    private void takenOver(Session s) {
        s.closing = true;
        if (!sessions.remove(s.node, s)) {
            return;
        }
        LOG.error("[{}] disconnecting from the guest's pacemaker-remoted due to an unexpected client takeover: "
                + "another client holds its key", s.node);
        s.remote.close();
        boolean owner = stillOwner.test(s.node);
        LOG.warn("[{}] {}", s.node, owner ? "this host still owns the guest: its connection is started again"
                : "this host does not own the guest: its copy here is destroyed");
        events.accept(new Event.ClientTakeover(s.node));
    }

    /** A poke failed or was not answered in time: a frozen guest, a paused VM, a dead network. */
    private void unanswered(Session s, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        s.closing = true;
        if (!sessions.remove(s.node, s)) {
            return; // closed, replaced or lost meanwhile: reported already
        }
        LOG.warn("[{}] {}", s.node, cause.getMessage());
        s.remote.close();
        events.accept(new Event.ConnectionLost(s.node, "Remote executor did not respond", s.pokeInterval.toMillis()));
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
        s.remote.close();
    }

    void closeAll() {
        rounds.stop();
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
