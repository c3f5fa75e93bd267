package io.guestnode.operator.engine;

import io.guestnode.agents.remote.ConnectionLost;
import io.guestnode.agents.remote.RemoteExecutor;
import io.guestnode.agents.remote.SessionListener;
import io.guestnode.agents.remote.message.ExecResult;
import io.guestnode.agents.remote.message.ExecStatus;
import io.guestnode.agents.remote.message.Notification;
import io.guestnode.agents.remote.message.ResourceSpec;
import io.guestnode.operator.planner.Event;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
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

    GuestSessions(Consumer<Event> events) {
        this.events = events;
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
                    events.accept(new Event.MonitorResult(r.resourceId(), node, r.intervalMs(), r.rc(),
                            statusWord(r.status()), r.exitReason()));
                }
            }

            @Override
            public void onNotification(Notification n) {
                if (n instanceof Notification.NewClient) {
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

    void opened(String node, RemoteExecutor remote, Duration pokeInterval, Duration pokeTimeout) {
        Session s = new Session(node, remote);
        Session old = sessions.put(node, s);
        if (old != null) {
            close(old);
        }
        s.poker = Thread.ofVirtual().name("poke " + node).start(() -> pokeLoop(s, pokeInterval, pokeTimeout));
    }

    /**
     * Pokes every interval; an unanswered poke (frozen guest, paused VM, dead network) fails the connection.
     * TCP shows none of these.
     */
    private void pokeLoop(Session s, Duration interval, Duration timeout) {
        try {
            while (!s.closing && s.remote.isOpen()) {
                Thread.sleep(interval.toMillis());
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
