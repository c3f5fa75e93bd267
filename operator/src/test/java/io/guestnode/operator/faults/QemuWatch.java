package io.guestnode.operator.faults;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.LibvirtException;

/**
 * Watches one QEMU guest on every host of the lab without touching it: each host's libvirt (over the host network,
 * read-only) sampled every {@link #SAMPLE_MS}, for the hosts where the domain runs (two at once is an overlap) and the
 * longest time no host ran it; and a TCP connect to the guest's remoted port every {@link #POKE_MS} (never a sign-on) for the longest
 * time it did not answer.
 */
public final class QemuWatch implements AutoCloseable {
    static final long SAMPLE_MS = 20;
    /** A TCP connect to the guest at most this often (the guest is emulated: its remoted must not be flooded). */
    static final long POKE_MS = 50;

    private final List<String> hosts;
    private final String domain;
    private final String addr;
    private final Map<String, Connect> libvirt = new LinkedHashMap<>();
    private final List<String> overlaps = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean running = true;
    private volatile Instant lastRunning = Instant.now();
    private volatile Instant lastAnswer = Instant.now();
    private volatile long longestNotRunning;
    private volatile long longestSilence;
    private final Thread states;
    private final Thread pokes;

    /** Kept reachable: libvirt holds a native pointer to it. */
    private static final org.libvirt.jna.Libvirt.VirErrorCallback QUIET = (userData, error) -> {
        // a domain not found on a host is the common answer here: not printed
    };

    public QemuWatch(List<String> hosts, String domain, String addr) {
        try {
            Connect.setErrorCallback(QUIET);
        } catch (LibvirtException e) {
            throw new IllegalStateException(e);
        }
        this.hosts = hosts;
        this.domain = domain;
        this.addr = addr;
        this.states = Thread.ofPlatform().daemon().name("qemu watch").start(this::sampleStates);
        this.pokes = Thread.ofPlatform().daemon().name("qemu pokes").start(this::poke);
    }

    /** Forgets the gaps seen so far (the overlaps stay). */
    public void reset() {
        longestNotRunning = 0;
        longestSilence = 0;
    }

    public List<String> overlaps() {
        return List.copyOf(overlaps);
    }

    /** The longest time no host ran the guest since the last reset (ms). */
    public long longestNotRunning() {
        return longestNotRunning;
    }

    /** The longest time the guest's remoted port did not answer since the last reset (ms). */
    public long longestSilence() {
        return longestSilence;
    }

    public String summary() {
        return "longest time no host ran it " + longestNotRunning + " ms (libvirt sampled every " + SAMPLE_MS
                + " ms), longest its remoted port did not answer " + longestSilence + " ms";
    }

    /** Whether {@code host}'s libvirt has the domain defined (running or not). */
    public boolean definedOn(String host) {
        synchronized (libvirt) {
            try {
                Domain d = connect(host).domainLookupByName(domain);
                d.free();
                return true;
            } catch (LibvirtException e) {
                return false;
            }
        }
    }

    private Connect connect(String host) throws LibvirtException {
        Connect c = libvirt.get(host);
        if (c == null) {
            c = new Connect("qemu+tcp://10.77.0." + host.substring(1) + "/system", true);
            libvirt.put(host, c);
        }
        return c;
    }

    private void sampleStates() {
        while (running) {
            Instant t = Instant.now();
            List<String> on = new ArrayList<>();
            for (String h : hosts) {
                synchronized (libvirt) {
                    try {
                        Domain d = connect(h).domainLookupByName(domain);
                        try {
                            if (d.getInfo().state == DomainInfo.DomainState.VIR_DOMAIN_RUNNING) {
                                on.add(h);
                            }
                        } finally {
                            d.free();
                        }
                    } catch (LibvirtException e) {
                        // not there, or that host's libvirt does not answer
                    }
                }
            }
            if (on.size() > 1) {
                overlaps.add(t + ": running on " + on);
            }
            if (on.isEmpty()) {
                longestNotRunning = Math.max(longestNotRunning, Duration.between(lastRunning, t).toMillis());
            } else {
                lastRunning = t;
            }
            sleep(SAMPLE_MS);
        }
    }

    private void poke() {
        while (running) {
            Instant t = Instant.now();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(addr, 3121), 200);
                lastAnswer = t;
            } catch (IOException e) {
                longestSilence = Math.max(longestSilence, Duration.between(lastAnswer, t).toMillis());
            }
            sleep(POKE_MS);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        states.join(2000);
        pokes.join(2000);
        synchronized (libvirt) {
            libvirt.values().forEach(c -> {
                try {
                    c.close();
                } catch (LibvirtException e) {
                    // closing anyway
                }
            });
        }
    }
}
