package io.guestnode.agents.domain;

import org.libvirt.Connect;
import org.libvirt.Library;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libvirt's default event loop is one per process (a native singleton), so its Java side is one too: it is
 * registered before the first connection is opened and runs on its own platform thread for the life of the
 * JVM. This is the only process-wide state in guestnode, and it mirrors libvirt's own.
 */
final class LibvirtEventLoop {
    private static final Logger LOG = LoggerFactory.getLogger(LibvirtEventLoop.class);
    private static final Object LOCK = new Object();
    private static Thread thread;
    /** Kept reachable: libvirt holds a native pointer to it. */
    private static final org.libvirt.jna.Libvirt.VirErrorCallback QUIET = (userData, error) -> {
        // errors reach callers as exceptions; libvirt's default handler would also print them to stderr
    };

    private LibvirtEventLoop() {
    }

    static void ensureRunning() throws LibvirtException {
        synchronized (LOCK) {
            if (thread != null) {
                return;
            }
            Connect.setErrorCallback(QUIET);
            Library.initEventLoop();
            thread = Thread.ofPlatform().daemon().name("libvirt-event-loop").start(() -> {
                try {
                    Library.runEventLoop();
                } catch (LibvirtException e) {
                    LOG.error("libvirt event loop stopped: {}", e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }
}
