package io.guestnode.agents.domain;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.event.DomainEventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The domain agent's connections to libvirt: one per hypervisor URI, opened lazily on a call thread and reopened
 * in the background after libvirtd goes away; libvirt's lifecycle events, and the loss and return of a connection,
 * translated to {@link DomainEvent}s and dispatched to the listeners on a thread of their own.
 *
 * <p>One caller at a time opens a link's connection. A connection found broken (a call's connection error, a
 * call failing on a connection no longer alive, or libvirt's close callback after a keepalive timeout) is retired,
 * never closed under another thread's call: libvirt frees a connection on close, and a call still running on it
 * reads freed memory (a libvirtd stopped for 30 s crashed the daemon so, in {@code virDomainLookupByName}). Retired
 * connections are closed once no call runs on the link.
 */
final class LibvirtConnections {
    /** Logs under the agent's name, as the domain agent's own lines. */
    private static final Logger LOG = LoggerFactory.getLogger(LibvirtDomainAgent.class);
    private static final Duration RECONNECT_EVERY = Duration.ofMillis(500);

    /** The agent's bounded pool of call threads: connections are opened and closed there. */
    private final ExecutorService calls;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService dispatch;
    private final Map<String, Link> links = new ConcurrentHashMap<>();
    private final List<DomainEventListener> listeners = new CopyOnWriteArrayList<>();
    private final Clock clock;
    private final org.libvirt.event.LifecycleListener lifecycle = this::onLifecycle;
    private volatile boolean closed;

    /** A connection to one URI, shared by the call threads; its state is guarded by the link itself. */
    static final class Link {
        final String uri;
        private final Object opening = new Object();
        private final List<Connect> retired = new ArrayList<>();
        private Connect connect;
        /** Calls between {@link #acquire} and {@link #release}. */
        private int inFlight;
        volatile boolean everOpened;
        volatile boolean reconnecting;

        Link(String uri) {
            this.uri = uri;
        }
    }

    LibvirtConnections(ExecutorService calls, Clock clock) {
        this.calls = calls;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("libvirt-reconnect").factory());
        this.dispatch = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("domain-events").factory());
    }

    void addListener(DomainEventListener listener) {
        listeners.add(listener);
    }

    /** The link to a hypervisor URI, made on first use. */
    Link link(String uri) {
        return links.computeIfAbsent(uri, Link::new);
    }

    /** A call on a connection. */
    @FunctionalInterface
    interface Use<T> {
        T apply(Connect c) throws LibvirtException;
    }

    /**
     * Runs on a call thread: {@code fn} on the link's connection, opened first when there is none; when
     * {@code broken} says the call failed for the connection, that connection (and only it) is retired.
     */
    <T> T call(Link link, Use<T> fn, Predicate<LibvirtException> broken) throws LibvirtException {
        Connect c = acquire(link);
        try {
            return fn.apply(c);
        } catch (LibvirtException e) {
            // libvirt does not always call the close callback ("client socket is closed" after a keepalive timeout
            // during a call): a connection that is no longer alive is broken whatever the error says
            if (broken.test(e) || !alive(c)) {
                retire(link, c);
            }
            throw e;
        } finally {
            release(link);
        }
    }

    private static boolean alive(Connect c) {
        try {
            return c.isAlive();
        } catch (LibvirtException | RuntimeException e) {
            return false;
        }
    }

    private Connect acquire(Link link) throws LibvirtException {
        synchronized (link) {
            if (link.connect != null) {
                link.inFlight++;
                return link.connect;
            }
        }
        synchronized (link.opening) {
            synchronized (link) {
                if (link.connect != null) {
                    link.inFlight++;
                    return link.connect;
                }
            }
            Connect c = open(link);
            synchronized (link) {
                link.connect = c;
                link.inFlight++;
            }
            announce(link);
            return c;
        }
    }

    private Connect open(Link link) throws LibvirtException {
        LibvirtEventLoop.ensureRunning();
        // No client keepalive: its timeout closes the connection under the calls waiting on a stopped libvirtd,
        // and libvirt 9.0's client then crashed the JVM in those calls (virDomainLookupByName, in g_main_loop_quit
        // and g_mutex_lock). Calls have their own deadlines (CallClock); a libvirtd that goes away closes the
        // socket, which ends the connection (EOF) without keepalive.
        Connect c = new Connect(link.uri);
        c.registerCloseListener((conn, reason) -> onClosed(link, c, String.valueOf(reason)));
        c.addLifecycleListener(lifecycle);
        return c;
    }

    private void announce(Link link) {
        boolean reopened = link.everOpened;
        link.everOpened = true;
        if (reopened) {
            LOG.info("{}: connection to libvirt restored", link.uri);
            emit(new DomainEvent(link.uri, "", DomainEvent.Kind.CONNECTION_RESTORED, "", clock.instant()));
        }
    }

    /** Ends a call; the last call out closes the link's retired connections. */
    private void release(Link link) {
        List<Connect> close;
        synchronized (link) {
            link.inFlight--;
            if (link.inFlight > 0 || link.retired.isEmpty()) {
                return;
            }
            close = List.copyOf(link.retired);
            link.retired.clear();
        }
        close.forEach(this::close);
    }

    /** {@code c} is broken: the next call opens a new connection. A connection already replaced is left alone. */
    private static void retire(Link link, Connect c) {
        synchronized (link) {
            if (link.connect == c) {
                link.connect = null;
                link.retired.add(c);
            }
        }
    }

    private void close(Connect c) {
        try {
            c.removeLifecycleListener(lifecycle);
            c.unregisterCloseListener();
        } catch (LibvirtException | RuntimeException ignored) {
            // the connection may be broken already
        }
        try {
            c.close();
        } catch (LibvirtException ignored) {
            // already broken
        }
    }

    private void onClosed(Link link, Connect c, String reason) {
        LOG.warn("{}: connection to libvirt closed ({})", link.uri, reason);
        retire(link, c);
        emit(new DomainEvent(link.uri, "", DomainEvent.Kind.CONNECTION_LOST, reason, clock.instant()));
        scheduleReconnect(link);
    }

    /** Reopens a lost connection in the background so that events flow again without waiting for a call. */
    private void scheduleReconnect(Link link) {
        if (closed || link.reconnecting) {
            return;
        }
        link.reconnecting = true;
        scheduler.schedule(() -> {
            Future<Connect> f = calls.submit(() -> call(link, c -> c, e -> true));
            try {
                f.get(10, TimeUnit.SECONDS);
                link.reconnecting = false;
            } catch (Exception e) {
                f.cancel(false);
                link.reconnecting = false;
                LOG.debug("{}: reconnect failed: {}", link.uri, e.toString());
                scheduleReconnect(link);
            }
        }, RECONNECT_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private int onLifecycle(Domain d, org.libvirt.event.DomainEvent e) {
        String name;
        String uri;
        try {
            name = d.getName();
            uri = d.getConnect().getURI();
        } catch (LibvirtException ex) {
            return 0;
        }
        DomainEventType t = e.getType();
        DomainEvent.Kind kind = switch (t) {
            case STARTED -> DomainEvent.Kind.STARTED;
            case STOPPED -> DomainEvent.Kind.STOPPED;
            case CRASHED -> DomainEvent.Kind.CRASHED;
            case SUSPENDED -> DomainEvent.Kind.SUSPENDED;
            case RESUMED -> DomainEvent.Kind.RESUMED;
            case SHUTDOWN -> DomainEvent.Kind.SHUTTING_DOWN;
            case DEFINED -> DomainEvent.Kind.DEFINED;
            case UNDEFINED -> DomainEvent.Kind.UNDEFINED;
            default -> DomainEvent.Kind.OTHER;
        };
        Object detail = e.getDetail();
        emit(new DomainEvent(uriOf(uri), name, kind, detail == null ? "" : detail.toString(), clock.instant()));
        return 0;
    }

    /** Events name the connection by the URI we opened it with, when libvirt canonicalised it. */
    private String uriOf(String reported) {
        if (links.containsKey(reported)) {
            return reported;
        }
        for (String u : links.keySet()) {
            if (u.startsWith(reported) || reported.startsWith(u.replaceAll("/+$", ""))) {
                return u;
            }
        }
        return reported;
    }

    private void emit(DomainEvent event) {
        if (closed) {
            return;
        }
        dispatch.execute(() -> {
            for (DomainEventListener l : listeners) {
                try {
                    l.onEvent(event);
                } catch (RuntimeException ex) {
                    LOG.warn("domain event listener failed on {}", event, ex);
                }
            }
        });
    }

    /** Stops reconnecting and emitting; every connection is closed on the call pool, which must still be open. */
    void close() {
        closed = true;
        scheduler.shutdownNow();
        for (Link l : links.values()) {
            synchronized (l) {
                if (l.connect != null) {
                    l.retired.add(l.connect);
                    l.connect = null;
                }
                l.inFlight++;
            }
            calls.execute(() -> release(l));
        }
    }

    /** Lets the events already dispatched reach the listeners, then ends the dispatch thread. */
    void stopDispatch() {
        dispatch.shutdown();
    }
}
