package io.guestnode.agents.domain;

import java.util.ArrayList;
import java.util.List;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * The connection to libvirt at one URI, shared by the agent's call threads. One caller at a time opens it; a
 * connection found broken (a call's connection error, or libvirt's close callback after a keepalive timeout) is
 * retired, never closed under another thread's call: libvirt frees a connection on close, so a call still running on
 * it would read freed memory (a libvirtd stopped for 30 s used to crash the daemon this way, in
 * {@code virDomainLookupByName}). Retired connections are closed once no call runs on this link.
 */
final class LibvirtLink {
    /** What the agent does when a connection opens or is lost. */
    interface Hooks {
        /** Runs on the opening call thread, before any call uses the connection. */
        void opened(LibvirtLink link, Connect c, boolean reopened) throws LibvirtException;

        /** Runs on libvirt's event loop thread: keep it short. */
        void lost(LibvirtLink link, String reason);

        /** Runs on a call thread when a retired connection is closed. */
        void closing(Connect c);
    }

    final String uri;
    private final Hooks hooks;
    private final Object opening = new Object();
    private final List<Connect> retired = new ArrayList<>();
    /** Guarded by this. */
    private Connect current;
    /** Guarded by this: calls between {@link #acquire()} and {@link #release()}. */
    private int inFlight;
    private boolean everOpened;
    volatile boolean reconnecting;

    LibvirtLink(String uri, Hooks hooks) {
        this.uri = uri;
        this.hooks = hooks;
    }

    /** The open connection, opened first when there is none; the caller must {@link #release()} it. */
    Connect acquire() throws LibvirtException {
        synchronized (this) {
            if (current != null) {
                inFlight++;
                return current;
            }
        }
        synchronized (opening) {
            synchronized (this) {
                if (current != null) {
                    inFlight++;
                    return current;
                }
            }
            Connect c = open();
            synchronized (this) {
                current = c;
                inFlight++;
                return c;
            }
        }
    }

    private Connect open() throws LibvirtException {
        LibvirtEventLoop.ensureRunning();
        Connect c = new Connect(uri);
        try {
            c.setKeepAlive(5, 3);
        } catch (LibvirtException e) {
            // not every driver has keepalive; the connection works without it
        }
        c.registerCloseListener((conn, reason) -> {
            retire(c);
            hooks.lost(this, String.valueOf(reason));
        });
        boolean reopened;
        synchronized (this) {
            reopened = everOpened;
            everOpened = true;
        }
        hooks.opened(this, c, reopened);
        return c;
    }

    /** Ends a call; the last call out closes the retired connections. */
    void release() {
        List<Connect> close;
        synchronized (this) {
            inFlight--;
            if (inFlight > 0 || retired.isEmpty()) {
                return;
            }
            close = List.copyOf(retired);
            retired.clear();
        }
        close.forEach(this::close);
    }

    /** {@code c} is broken: the next call opens a new connection. A connection already replaced is left alone. */
    synchronized void retire(Connect c) {
        if (current == c) {
            current = null;
            retired.add(c);
        }
    }

    /** Retires the current connection and closes what no call uses (the agent is closing). */
    void retireAll() {
        synchronized (this) {
            if (current != null) {
                retired.add(current);
                current = null;
            }
            inFlight++;
        }
        release();
    }

    private void close(Connect c) {
        try {
            hooks.closing(c);
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
}
