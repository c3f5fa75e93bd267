package io.guestnode.operator.faults;

import io.guestnode.operator.faults.FaultMatrix.Line;
import io.guestnode.operator.faults.Observer.Overlap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * bin/faults --soak: random faults from the fast guest rows for a while; reports faults injected, recoveries, double
 * runs (the observer's overlaps, which must be 0) and the daemon's RSS over time ({@code VmRSS}), which after a
 * warm-up may not grow by more than 10 % and must stay under 256 MiB.
 */
final class Soak {
    static final List<String> FAULTS = List.of("remoted-sigkill", "remoted-sigstop", "domain-destroyed", "vm-crash");
    static final long RSS_LIMIT_KIB = 256 * 1024;
    static final double RSS_GROWTH = 0.10;

    /** One RSS sample of the daemon. */
    record Rss(Instant at, long kib) {
    }

    private Soak() {
    }

    static boolean run(Path dir, Options o) throws Exception {
        Duration length = o.soak();
        Duration warmUp = length.dividedBy(5).compareTo(Duration.ofMinutes(2)) < 0 ? length.dividedBy(5)
                : Duration.ofMinutes(2);
        List<Line> lines = new ArrayList<>();
        List<Rss> rss = new ArrayList<>();
        List<Overlap> overlaps;
        Instant start = Instant.now();
        FaultRun run = null;
        String report;
        Thread cleanup = Thread.ofPlatform().unstarted(() -> FaultMatrix.interrupted(dir));
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            run = FaultMatrix.startRun(dir, o.guests());
            // a guest hit again and again backs off (1, 2, 4 ... 60 s) by design: a recovery may take that long
            run.recoveryDeadline = Duration.ofSeconds(70);
            Random random = new Random();
            Instant end = start.plus(length);
            while (Instant.now().isBefore(end)) {
                Row row = FaultMatrix.select(List.of(FAULTS.get(random.nextInt(FAULTS.size())))).get(0);
                lines.addAll(FaultMatrix.run(run, List.of(row)));
                rss.add(new Rss(Instant.now(), rssKib(run.lab.daemonPid())));
                Observer.sleep(1000 + random.nextInt(2000));
            }
            overlaps = run.observer.overlaps(start);
            report = report(lines, overlaps, rss, start, warmUp, run.recoveryTimes) + "observer: "
                    + run.observer.resolution() + "\n";
        } finally {
            if (run != null) {
                run.close();
                run.lab.close();
            }
        }
        System.out.println();
        System.out.print(report);
        Options.keep(o, dir, report);
        FaultLab.delete(dir);
        Runtime.getRuntime().removeShutdownHook(cleanup);
        return report.contains("soak: pass\n");
    }

    static String report(List<Line> lines, List<Overlap> overlaps, List<Rss> rss, Instant start, Duration warmUp,
            List<Double> recoveryTimes) {
        long recovered = lines.stream().filter(l -> l.result().passed()).count();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "faults injected   %d%n", lines.size()));
        for (String f : FAULTS) {
            b.append(String.format(Locale.ROOT, "  %-20s %d%n", f, lines.stream().filter(l -> l.row().name()
                    .equals(f)).count()));
        }
        b.append(String.format(Locale.ROOT, "recoveries        %d (service running again within 70 s, no "
                + "guest twice)%n", recovered));
        b.append(recoveryTimes(recoveryTimes));
        b.append(String.format(Locale.ROOT, "double runs       %d%n", overlaps.size()));
        overlaps.forEach(x -> b.append("  ").append(x.at()).append(' ').append(x.what()).append('\n'));
        b.append("daemon RSS (MiB) over time:\n");
        for (Rss r : sample(rss, 20)) {
            b.append(String.format(Locale.ROOT, "  %7.0f s  %6.1f%n", Observer.seconds(start, r.at()),
                    r.kib() / 1024.0));
        }
        String rssVerdict = rssVerdict(rss, start.plus(warmUp));
        b.append("RSS: ").append(rssVerdict).append('\n');
        boolean ok = recovered == lines.size() && overlaps.isEmpty() && rssVerdict.startsWith("pass");
        b.append("soak: ").append(ok ? "pass" : "FAIL").append('\n');
        return b.toString();
    }

    static String recoveryTimes(List<Double> times) {
        List<Double> sorted = times.stream().sorted().toList();
        if (sorted.isEmpty()) {
            return "";
        }
        long fast = sorted.stream().filter(t -> t <= 5.0).count();
        return String.format(Locale.ROOT, "  loss to service running: median %.2f s, max %.2f s; %d of %d "
                + "within 5 s (the rest waited for the crash-loop back-off)%n", sorted.get(sorted.size() / 2),
                sorted.get(sorted.size() - 1), fast, sorted.size());
    }

    /**
     * Pass when, after the warm-up, RSS never exceeds its peak during the warm-up by more than 10 % (a JVM's
     * footprint rises to a high-water mark and saws below it) and stays under 256 MiB.
     */
    static String rssVerdict(List<Rss> rss, Instant warm) {
        List<Rss> during = rss.stream().filter(r -> r.at().isBefore(warm) && r.kib() > 0).toList();
        List<Rss> after = rss.stream().filter(r -> !r.at().isBefore(warm) && r.kib() > 0).toList();
        if (during.isEmpty() || after.size() < 2) {
            return "FAIL: too short to judge (" + during.size() + " samples in the warm-up, " + after.size()
                    + " after)";
        }
        long base = during.stream().mapToLong(Rss::kib).max().orElse(0);
        long max = after.stream().mapToLong(Rss::kib).max().orElse(0);
        double growth = (double) (max - base) / base;
        boolean ok = growth <= RSS_GROWTH && max < RSS_LIMIT_KIB;
        return String.format(Locale.ROOT, "%s: peak %.1f MiB in the warm-up, %.1f MiB after it (%+.1f %%), at the "
                + "end %.1f MiB", ok ? "pass" : "FAIL", base / 1024.0, max / 1024.0, growth * 100,
                after.get(after.size() - 1).kib() / 1024.0);
    }

    static List<Rss> sample(List<Rss> all, int n) {
        if (all.size() <= n) {
            return all;
        }
        List<Rss> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(all.get(i * (all.size() - 1) / (n - 1)));
        }
        return out;
    }

    /** VmRSS of a process in KiB, or -1. */
    static long rssKib(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("\\D", ""));
                }
            }
        } catch (java.io.IOException | RuntimeException gone) {
            return -1;
        }
        return -1;
    }
}
