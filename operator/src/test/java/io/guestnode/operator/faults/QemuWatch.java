package io.guestnode.operator.faults;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;

/**
 * Watches one QEMU guest on every host of the lab without touching it. Every {@link #SAMPLE_MS} it asks every host's
 * libvirt at once (read-only, through the host's own mount namespace, so that a host cut off from the network still
 * answers) whether the domain runs there. Each host's answer is one of three: it runs there, it does not (no such
 * domain, or defined and not running, or paused), or unknown. A libvirt that does not answer within
 * {@link #CALL_LIMIT} (as while it prepares an incoming migration) is replaced by the kernel's word: the guest did not
 * run there in that time when no QEMU process of it was there, or when its vCPU threads spent no time on a CPU
 * ({@link QemuVcpus}); otherwise it is unknown. A powered-off host is known to run nothing: its namespaces' init is
 * gone, and every process of it with it. A sample with the guest running on two hosts is an overlap; so is one with
 * the guest running on one host while another host's answer is unknown: it may have run there too. Apart from that, a TCP connect to the guest's remoted
 * port every {@link #POKE_MS} (never a sign-on) gives the longest time it did not answer.
 */
public final class QemuWatch implements AutoCloseable {
    static final long SAMPLE_MS = 20;
    /** A TCP connect to the guest at most this often (the guest is emulated: its remoted must not be flooded). */
    static final long POKE_MS = 50;
    /** How long one libvirt call may take before its host's answer counts as unknown. */
    static final Duration CALL_LIMIT = Duration.ofSeconds(2);
    /**
     * The shortest time over which the kernel's word stands in for libvirt's: a guest that runs keeps its vCPUs
     * busy now and then (its timer ticks at the least), a paused one or one waiting for a migration never.
     */
    static final Duration KERNEL_WINDOW = Duration.ofSeconds(2);
    /** Where the lab keeps each host's namespaces' init (bin/lab). */
    static final Path LAB_HOSTS = Path.of("/run/guestnode-lab/hosts");

    /** What one host's libvirt said of the guest in one sample. */
    enum Seen { RUNNING, NOT_RUNNING, UNKNOWN }

    private final List<String> hosts;
    private final String domain;
    private final String addr;
    private final QemuVcpus vcpus;
    /** A host's libvirt connection, by host and its init's pid (a host powered on again is connected anew). */
    private final Map<String, Connect> libvirt = new ConcurrentHashMap<>();
    /** Runs each libvirt call, so that a call that does not return cannot hold up the watch or the test. */
    private final ExecutorService calls = Executors.newCachedThreadPool(
            r -> Thread.ofPlatform().daemon().name("qemu watch call").unstarted(r));
    private final List<String> overlaps = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean running = true;
    private volatile Instant lastRunning = Instant.now();
    private volatile Instant lastAnswer = Instant.now();
    private volatile long longestNotRunning;
    private volatile long longestSilence;
    private volatile long unknownAnswers;
    private volatile String lastUnanswered = "none";
    /** Each host's last answer, with where it came from. */
    private final Map<String, String> explained = new ConcurrentHashMap<>();
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
        this.hosts = List.copyOf(hosts);
        this.domain = domain;
        this.addr = addr;
        this.vcpus = new QemuVcpus(domain);
        this.states = Thread.ofPlatform().daemon().name("qemu watch").start(this::sampleStates);
        this.pokes = Thread.ofPlatform().daemon().name("qemu pokes").start(this::poke);
    }

    /** Forgets the gaps seen so far (the overlaps stay). */
    public void reset() {
        longestNotRunning = 0;
        longestSilence = 0;
    }

    /** Each host's last answer and where it came from (libvirt, or the kernel when libvirt did not answer). */
    public Map<String, String> explained() {
        return Map.copyOf(explained);
    }

    /** Every sample where the guest ran, or may have run, on two hosts at once. */
    public List<String> overlaps() {
        return List.copyOf(overlaps);
    }

    /** The longest time no host was seen running the guest since the last reset (ms). */
    public long longestNotRunning() {
        return longestNotRunning;
    }

    /** The longest time the guest's remoted port did not answer since the last reset (ms). */
    public long longestSilence() {
        return longestSilence;
    }

    /** The guest's address, where its remoted is poked. */
    public String address() {
        return addr;
    }

    public String summary() {
        return "longest time no host ran it " + longestNotRunning + " ms (libvirt sampled every " + SAMPLE_MS
                + " ms; " + unknownAnswers + " answers unknown so far; the last libvirt that did not answer: "
                + lastUnanswered + "), longest its remoted port did not answer " + longestSilence + " ms";
    }

    /** Whether {@code host}'s libvirt has the domain defined (running or not); fails when it cannot say. */
    public boolean definedOn(String host) throws InterruptedException {
        Future<Boolean> f = calls.submit(() -> {
            long init = init(host);
            if (init < 0) {
                throw new IllegalStateException(host + (init == OFF ? " is powered off" : ": its init.pid is unreadable"));
            }
            try {
                connect(host, init).domainLookupByName(domain).free();
                return true;
            } catch (LibvirtException e) {
                if (noDomain(e)) {
                    return false;
                }
                throw new IllegalStateException("libvirt on " + host + ": " + e.getMessage(), e);
            }
        });
        try {
            return f.get(CALL_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new IllegalStateException("libvirt on " + host + " did not answer within " + CALL_LIMIT);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    /** Every host's answer for one instant: the calls run at once and share one deadline. */
    Map<String, Seen> sample() throws InterruptedException {
        Map<String, Future<Seen>> asked = new LinkedHashMap<>();
        Map<String, Long> before = new java.util.HashMap<>();
        long began = System.nanoTime();
        for (String h : hosts) {
            long init = init(h);
            long vcpu = init < 0 ? QemuVcpus.NONE : vcpus.nanos(h, init, false);
            before.put(h, vcpu);
            asked.put(h, calls.submit(() -> seen(h, init, vcpu, began)));
        }
        long deadline = System.nanoTime() + CALL_LIMIT.toNanos();
        Map<String, Seen> out = new LinkedHashMap<>();
        for (var e : asked.entrySet()) {
            Seen s;
            try {
                s = e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException x) {
                e.getValue().cancel(true);
                forget(e.getKey());
                s = unanswered(e.getKey(), before.get(e.getKey()), began, x.toString());
            }
            out.put(e.getKey(), s);
        }
        return out;
    }

    /**
     * One host's answer ({@code init}: its init as the sample began). A host powered off runs nothing; a libvirt
     * that answers with an error other than "no such domain" leaves it to the kernel ({@link #unanswered}).
     */
    private Seen seen(String host, long init, long vcpuBefore, long began) {
        if (init < 0) {
            return byInit(host, init);
        }
        try {
            Domain d = connect(host, init).domainLookupByName(domain);
            try {
                DomainInfo.DomainState state = d.getInfo().state;
                explained.put(host, "libvirt (init " + init + "): " + state);
                return of(state);
            } finally {
                d.free();
            }
        } catch (NotItsLibvirt e) {
            return unanswered(host, vcpuBefore, began, e.getMessage());
        } catch (LibvirtException e) {
            if (noDomain(e)) {
                explained.put(host, "libvirt (init " + init + "): no such domain");
                return Seen.NOT_RUNNING;
            }
            forget(host);
            return unanswered(host, vcpuBefore, began, e.getMessage());
        }
    }

    /**
     * What {@code host} ran since its libvirt was asked, without libvirt: nothing when it is powered off, or when
     * there is no QEMU process of the guest there, or when the guest's vCPU threads spent no time on a CPU over at
     * least {@link #KERNEL_WINDOW} since the sample began ({@code vcpuBefore}); unknown otherwise.
     */
    private Seen unanswered(String host, long vcpuBefore, long began, String why) {
        long rest = KERNEL_WINDOW.toNanos() - (System.nanoTime() - began);
        if (rest > 0) {
            try {
                Thread.sleep(rest / 1_000_000 + 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Seen.UNKNOWN;
            }
        }
        long init = init(host);
        if (init < 0) {
            return byInit(host, init);
        }
        long after = vcpus.nanos(host, init, true);
        Seen s = after == vcpuBefore && after != QemuVcpus.FAILED ? Seen.NOT_RUNNING : Seen.UNKNOWN;
        lastUnanswered = host + " (" + why + "): vCPU time " + vcpuBefore + " -> " + after + " ns, read " + s
                + " (kernel: " + vcpus.lastSearch() + ")";
        explained.put(host, "unanswered: " + lastUnanswered);
        return s;
    }

    private static boolean noDomain(LibvirtException e) {
        return e.getError() != null && e.getError().getCode() == ErrorNumber.VIR_ERR_NO_DOMAIN;
    }

    /** {@link #init}: the host is powered off (its init is gone), or being powered on (its file not written yet). */
    static final long OFF = -1;
    /** {@link #init}: the file that names the host's init cannot be read. */
    static final long UNREADABLE = -2;

    /**
     * The pid of {@code host}'s namespaces' init while it lives; {@link #OFF} when it is gone, or while the host is
     * powered on anew (the lab writes the file once the host's namespaces exist, before anything is defined in
     * them); {@link #UNREADABLE} when the file cannot be read or holds no pid.
     */
    static long init(String host) {
        String text;
        try {
            text = Files.readString(LAB_HOSTS.resolve(host).resolve("init.pid")).trim();
        } catch (java.nio.file.NoSuchFileException e) {
            return OFF;
        } catch (IOException e) {
            return UNREADABLE;
        }
        if (text.isEmpty()) {
            return OFF;
        }
        try {
            long pid = Long.parseLong(text);
            return Files.exists(Path.of("/proc", Long.toString(pid), "ns")) ? pid : OFF;
        } catch (NumberFormatException e) {
            return UNREADABLE;
        }
    }

    private Seen byInit(String host, long init) {
        explained.put(host, init == OFF ? "powered off" : "its init.pid is unreadable");
        return init == OFF ? Seen.NOT_RUNNING : Seen.UNKNOWN;
    }

    /**
     * libvirt's state of a domain: running, blocked and shutting down still execute; paused, shut off, crashed and
     * suspended by the guest do not; no state is unknown.
     */
    static Seen of(DomainInfo.DomainState state) {
        return switch (state) {
            case VIR_DOMAIN_RUNNING, VIR_DOMAIN_BLOCKED, VIR_DOMAIN_SHUTDOWN -> Seen.RUNNING;
            case VIR_DOMAIN_PAUSED, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_CRASHED, VIR_DOMAIN_PMSUSPENDED -> Seen.NOT_RUNNING;
            default -> Seen.UNKNOWN;
        };
    }

    /**
     * {@code host}'s libvirt. While a host boots, its own /run/libvirt is not mounted yet and the same path leads to
     * this machine's libvirtd: a connection counts only once the daemon's host name (its UTS namespace's) is the
     * host's. Throws when it is not, or not yet.
     */
    private Connect connect(String host, long init) throws LibvirtException {
        String key = host + "@" + init;
        Connect c = libvirt.get(key);
        if (c == null) {
            c = new Connect("qemu+unix:///system?socket=/proc/" + init + "/root/run/libvirt/libvirt-sock-ro", true);
            String name;
            try {
                name = c.getHostName();
            } catch (LibvirtException e) {
                closeAside(c);
                throw e;
            }
            if (!host.equals(name)) {
                closeAside(c);
                throw new NotItsLibvirt(host + "'s socket led to the libvirtd of " + name);
            }
            libvirt.put(key, c);
        }
        return c;
    }

    /** A libvirtd that is not the host's own answered (the host is still booting). */
    static final class NotItsLibvirt extends RuntimeException {
        NotItsLibvirt(String why) {
            super(why);
        }
    }

    /** Drops {@code host}'s connections (closed aside: a close may wait on a silent libvirt); the next call connects anew. */
    private void forget(String host) {
        libvirt.entrySet().removeIf(e -> {
            if (!e.getKey().startsWith(host + "@")) {
                return false;
            }
            closeAside(e.getValue());
            return true;
        });
    }

    private void closeAside(Connect c) {
        try {
            calls.submit(() -> {
                try {
                    c.close();
                } catch (LibvirtException e) {
                    // gone anyway
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the watch is closing
        }
    }

    private void sampleStates() {
        while (running) {
            Instant t = Instant.now();
            Map<String, Seen> seen;
            try {
                seen = sample();
            } catch (InterruptedException e) {
                return;
            }
            List<String> on = hostsWhere(seen, Seen.RUNNING);
            List<String> unknown = hostsWhere(seen, Seen.UNKNOWN);
            unknownAnswers += unknown.size();
            if (on.size() > 1) {
                overlaps.add(t + ": running on " + on);
            } else if (on.size() == 1 && !unknown.isEmpty()) {
                overlaps.add(t + ": running on " + on + "; libvirt on " + unknown + " did not answer within "
                        + CALL_LIMIT + " (it may have run there too)");
            }
            if (on.isEmpty()) {
                longestNotRunning = Math.max(longestNotRunning, Duration.between(lastRunning, t).toMillis());
            } else {
                lastRunning = t;
            }
            sleep(SAMPLE_MS);
        }
    }

    private static List<String> hostsWhere(Map<String, Seen> seen, Seen what) {
        return seen.entrySet().stream().filter(e -> e.getValue() == what).map(Map.Entry::getKey).toList();
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
        states.interrupt();
        states.join(CALL_LIMIT.toMillis() + 2000);
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
