package io.guestnode.operator.faults;

import io.guestnode.operator.faults.Markers.Start;
import io.guestnode.operator.faults.ProcScan.Incarnation;
import io.guestnode.operator.faults.ProcScan.Seen;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Sees the lab's guests without disturbing them: never signs on to a remoted. Every ~50 ms it scans {@code /proc}
 * ({@link ProcScan}) and keeps, for each guest incarnation, when it was first and last seen alive; every second it
 * asks libvirt which domains run ({@code virsh list}, given up after 3 s, so a stopped libvirtd does not stop it).
 * With the marker agent's lines ({@link Markers}) it finds overlaps: two live incarnations of one guest node at
 * once, two running domains of one guest node, or a service started while an earlier start of it is still open
 * in a live incarnation.
 */
final class Observer implements AutoCloseable {
    static final long SAMPLE_MS = 50;

    /** When an incarnation was first and last seen alive, and its latest scan. */
    record Life(Instant first, Instant last, Seen seen) {
    }

    /** An overlap, when the observer saw it. */
    record Overlap(Instant at, String what) {
    }

    private final FaultLab lab;
    private final ProcScan scan;
    private final Map<Incarnation, Life> lives = new ConcurrentHashMap<>();
    private final List<Overlap> guestOverlaps = new ArrayList<>();
    private volatile List<Seen> current = List.of();
    private volatile Instant lastSample = Instant.EPOCH;
    private volatile Instant libvirtAnswered = Instant.EPOCH;
    private volatile boolean running = true;
    private final java.util.concurrent.atomic.LongAdder samples = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.AtomicLong maxGapMs = new java.util.concurrent.atomic.AtomicLong();
    private final Thread procThread;
    private final Thread libvirtThread;

    Observer(FaultLab lab) {
        this.lab = lab;
        this.scan = new ProcScan(lab.domainSet());
        this.procThread = Thread.ofPlatform().daemon().name("observer-proc").start(this::procLoop);
        this.libvirtThread = Thread.ofPlatform().daemon().name("observer-libvirt").start(this::libvirtLoop);
    }

    private void procLoop() {
        while (running) {
            Instant t = Instant.now();
            List<Seen> seen = scan.scan();
            Map<String, List<Incarnation>> byGuest = new HashMap<>();
            for (Seen s : seen) {
                lives.merge(s.incarnation(), new Life(t, t, s), (a, b) -> new Life(a.first(), t, s));
                byGuest.computeIfAbsent(lab.guestOf(s.domain()), g -> new ArrayList<>()).add(s.incarnation());
            }
            byGuest.forEach((g, incs) -> {
                if (incs.size() > 1) {
                    overlap(t, "guest " + g + " alive twice: " + incs);
                }
            });
            current = seen;
            if (lastSample != Instant.EPOCH) {
                maxGapMs.accumulateAndGet(Duration.between(lastSample, t).toMillis(), Math::max);
            }
            lastSample = t;
            samples.increment();
            sleep(SAMPLE_MS);
        }
    }

    private void libvirtLoop() {
        while (running) {
            List<String> names = virshList();
            if (names != null) {
                Instant t = Instant.now();
                libvirtAnswered = t;
                Map<String, List<String>> byGuest = new HashMap<>();
                for (String d : names) {
                    String g = lab.guestOf(d);
                    if (g != null) {
                        byGuest.computeIfAbsent(g, k -> new ArrayList<>()).add(d);
                    }
                }
                byGuest.forEach((g, ds) -> {
                    if (ds.size() > 1) {
                        overlap(t, "guest " + g + " running in two domains (libvirt): " + ds);
                    }
                });
            }
            sleep(1000);
        }
    }

    private synchronized void overlap(Instant t, String what) {
        guestOverlaps.add(new Overlap(t, what));
    }

    /** The running domains libvirt lists, or null when it did not answer within 3 s. */
    static List<String> virshList() {
        try {
            Process p = new ProcessBuilder("virsh", "-q", "-c", "lxc:///", "list", "--name")
                    .redirectErrorStream(true).start();
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.exitValue() == 0 ? out.lines().map(String::trim).filter(s -> !s.isEmpty()).toList() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** How finely it saw: scans made and the longest time between two. */
    String resolution() {
        return samples.sum() + " scans of /proc, at most " + maxGapMs.get() + " ms apart";
    }

    Instant libvirtAnswered() {
        return libvirtAnswered;
    }

    Instant lastSample() {
        return lastSample;
    }

    /** The guests of the latest scan, for a report. */
    String describeCurrent() {
        return current.stream().map(s -> s.incarnation() + " remoted " + s.remotedPid() + "/" + s.remotedState())
                .toList().toString();
    }

    /** The guest node's live incarnation in the latest scan, or null. */
    Seen live(String guest) {
        for (Seen s : current) {
            if (guest.equals(lab.guestOf(s.domain()))) {
                return s;
            }
        }
        return null;
    }

    /** Incarnations of a guest node first seen at or after {@code since}. */
    List<Incarnation> bornSince(String guest, Instant since) {
        return lives.entrySet().stream().filter(e -> guest.equals(lab.guestOf(e.getKey().domain()))
                && !e.getValue().first().isBefore(since)).map(Map.Entry::getKey).toList();
    }

    /** When the incarnation was last seen alive; for one never seen, the time of {@code fallback}. */
    Instant lastSeen(Incarnation i, Instant fallback) {
        Life l = lives.get(i);
        return l == null ? fallback : l.last();
    }

    /** Incarnations with when they were first and last seen, for a report. */
    String describe(List<Incarnation> incs) {
        List<String> out = new ArrayList<>();
        for (Incarnation i : incs) {
            Life l = lives.get(i);
            out.add(i + (l == null ? "" : " pid " + l.seen().initPid() + " seen " + l.first() + " to " + l.last()));
        }
        return String.join(", ", out);
    }

    /** When the incarnation was first seen alive, or null. */
    Instant firstSeen(Incarnation i) {
        Life l = lives.get(i);
        return l == null ? null : l.first();
    }

    /** The start of {@code service} open at {@code t} in an incarnation alive at {@code t}, or null. */
    Start openAt(List<Start> starts, String service, Instant t) {
        Start found = null;
        for (Start s : Markers.of(starts, service)) {
            boolean open = !s.at().isAfter(t) && (s.stopped() == null || s.stopped().isAfter(t));
            if (open && !lastSeen(s.incarnation(), s.at()).isBefore(t)) {
                found = s;
            }
        }
        return found;
    }

    /** Every overlap seen at or after {@code since}: guests alive twice, and services started twice. */
    List<Overlap> overlaps(Instant since) throws IOException {
        List<Overlap> out = new ArrayList<>();
        synchronized (this) {
            guestOverlaps.stream().filter(o -> !o.at().isBefore(since)).forEach(out::add);
        }
        List<Start> starts = Markers.read(lab.markers);
        for (int i = 0; i < starts.size(); i++) {
            Start b = starts.get(i);
            if (b.at().isBefore(since)) {
                continue;
            }
            for (int j = 0; j < i; j++) {
                Start a = starts.get(j);
                boolean stillOpen = a.service().equals(b.service())
                        && (a.stopped() == null || a.stopped().isAfter(b.at()));
                if (stillOpen && !lastSeen(a.incarnation(), a.at()).isBefore(b.at())) {
                    out.add(new Overlap(b.at(), b.service() + " started in " + b.incarnation() + " while its start in "
                            + a.incarnation() + " (" + a.at() + ") was still open"));
                }
            }
        }
        return out;
    }

    /** Waits for the next scan, so that what happened before now has been seen. */
    void settle() {
        Instant now = Instant.now();
        while (!lastSample.isAfter(now)) {
            sleep(10);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        procThread.join(2000);
        libvirtThread.join(5000);
    }
}
