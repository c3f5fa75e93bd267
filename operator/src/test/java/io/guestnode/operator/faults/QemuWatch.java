package io.guestnode.operator.faults;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
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
    /** A host's libvirt connection; one that stopped answering (its host was powered off) is dropped, not reused. */
    private final Map<String, Connect> libvirt = new java.util.concurrent.ConcurrentHashMap<>();
    /** Runs each libvirt call, so that a call to a host that went away cannot hold up the watch or the test. */
    private final java.util.concurrent.ExecutorService calls = java.util.concurrent.Executors.newCachedThreadPool(
            r -> Thread.ofPlatform().daemon().name("qemu watch call").unstarted(r));
    /** How long one libvirt call may take before its host counts as not answering. */
    static final Duration CALL_LIMIT = Duration.ofSeconds(2);
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

    /** Whether {@code host}'s libvirt has the domain defined (running or not); fails when it does not answer. */
    public boolean definedOn(String host) {
        java.util.Optional<Boolean> defined = call(host, c -> {
            Domain d = c.domainLookupByName(domain);
            d.free();
            return true;
        });
        if (defined == null) {
            throw new IllegalStateException("libvirt on " + host + " did not answer within " + CALL_LIMIT);
        }
        return defined.orElse(false);
    }

    private interface LibvirtCall<T> {
        T on(Connect c) throws LibvirtException;
    }

    /**
     * Runs {@code call} on {@code host}'s libvirt within {@link #CALL_LIMIT}: its answer, empty when libvirt answered
     * with an error (no such domain), or null when it did not answer in time (its connection is then dropped).
     */
    private <T> java.util.Optional<T> call(String host, LibvirtCall<T> call) {
        java.util.concurrent.Future<java.util.Optional<T>> f = calls.submit(() -> {
            try {
                return java.util.Optional.ofNullable(call.on(connect(host)));
            } catch (LibvirtException e) {
                return java.util.Optional.empty();
            }
        });
        try {
            return f.get(CALL_LIMIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            libvirt.remove(host); // stuck on a host that went away: the next call connects anew
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
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
                // not there, or that host's libvirt does not answer (powered off): not running there
                java.util.Optional<Boolean> running = call(h, c -> {
                    Domain d = c.domainLookupByName(domain);
                    try {
                        return d.getInfo().state == DomainInfo.DomainState.VIR_DOMAIN_RUNNING;
                    } finally {
                        d.free();
                    }
                });
                if (running != null && running.orElse(false)) {
                    on.add(h);
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
        calls.shutdownNow();
        libvirt.values().forEach(c -> {
            try {
                c.close();
            } catch (LibvirtException e) {
                // closing anyway
            }
        });
    }
}
