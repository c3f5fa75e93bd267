package io.guestnode.operator.faults;

import io.guestnode.operator.faults.FaultLab.Guest;
import io.guestnode.operator.faults.Observer.Overlap;
import io.guestnode.operator.faults.Row.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fault matrix: every fault against the real daemon, libvirtd and pacemaker-remoted in LXC guests, each row
 * checked against the daemon's record and the independent observer (no guest or service ever twice). bin/faults
 * runs {@link #main}; FaultMatrixIT runs the fast rows.
 */
public final class FaultMatrix {
    /** Rows the agents' tests cover against fake peers, since a fake remoted cannot stand in a guest here. */
    static final List<String> COVERED_ELSEWHERE = List.of(
            "hostile frames (bad magic, giant sizes, bzip2 bombs, entity expansion, not TLS): agents HostilePeerTest",
            "a flooding or trickling peer (unknown call ids, 4 KiB text cuts, a peer that stops reading): agents "
                    + "FloodingPeerTest");

    /** One row's outcome. */
    record Line(Row row, Result result) {
    }

    private FaultMatrix() {
    }

    static List<Row> all() {
        List<Row> rows = new ArrayList<>(GuestRows.rows());
        rows.addAll(ConfigRows.rows());
        rows.addAll(HostRows.rows());
        return rows;
    }

    static List<Row> select(List<String> names) {
        Map<String, Row> byName = new LinkedHashMap<>();
        all().forEach(r -> byName.put(r.name(), r));
        if (names.isEmpty()) {
            return List.copyOf(byName.values());
        }
        List<Row> out = new ArrayList<>();
        for (String n : names) {
            Row r = byName.get(n);
            if (r == null) {
                throw new IllegalArgumentException("no row '" + n + "'; rows: " + String.join(", ", byName.keySet()));
            }
            out.add(r);
        }
        return out;
    }

    /** A lab of {@code n} guests, each with its marker service, started and up. */
    static FaultRun startRun(Path dir, int n) throws Exception {
        FaultLab lab = new FaultLab(dir);
        List<Guest> guests = new ArrayList<>();
        try {
            for (int i = 1; i <= n; i++) {
                guests.add(lab.guest("g" + i, i));
            }
            FaultRun run = new FaultRun(lab, guests);
            try {
                run.start();
                return run;
            } catch (Exception | Error e) {
                run.close();
                throw e;
            }
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
    }

    /** Runs each row, then holds it against the observer: any overlap since the row began fails it. */
    static List<Line> run(FaultRun run, List<Row> rows) {
        List<Line> out = new ArrayList<>();
        for (Row row : rows) {
            Instant t0 = Instant.now();
            Result res;
            try {
                res = row.body().run(run);
            } catch (Exception | AssertionError e) {
                res = new Row.Failed("error: " + e.getMessage());
                run.awaitAllUp(30);
            }
            res = withOverlaps(run, t0, res);
            res = withDaemon(run, res);
            out.add(new Line(row, res));
            System.out.printf(Locale.ROOT, "  %-28s %s  %s%n", row.name(), res.verdict(), res.observed());
        }
        return out;
    }

    static Result withOverlaps(FaultRun run, Instant since, Result res) {
        try {
            run.observer.settle();
            List<Overlap> o = run.observer.overlaps(since);
            if (o.isEmpty()) {
                return res;
            }
            return new Row.Failed(res.observed() + "; OVERLAP: " + String.join("; ", o.stream().map(Overlap::what)
                    .distinct().toList()));
        } catch (java.io.IOException e) {
            return new Row.Failed(res.observed() + "; markers unreadable: " + e.getMessage());
        }
    }

    /** A row after which the daemon is gone fails; the daemon is started again for the rows that follow. */
    static Result withDaemon(FaultRun run, Result res) {
        Integer exit = run.lab.daemonExit();
        if (exit == null) {
            return res;
        }
        String crash = run.lab.crashReport();
        try {
            run.lab.startDaemon();
            run.awaitAllUp(60);
        } catch (java.io.IOException e) {
            crash += "; could not start it again: " + e.getMessage();
        }
        return new Row.Failed(res.observed() + "; THE DAEMON DIED (exit " + exit + ")" + crash);
    }

    /**
     * bin/faults stopped half-way (Ctrl-C): libvirtd is let go again (a row may have stopped it), and the lab's
     * daemon and domains, found by their names, are removed.
     */
    static void interrupted(Path dir) {
        long libvirtd = HostRows.libvirtdPid();
        if (libvirtd > 0) {
            io.guestnode.agents.testing.Shell.run(List.of("kill", "-CONT", Long.toString(libvirtd)));
        }
        FaultLab.removeLeftovers(dir);
    }

    static boolean allPassed(List<Line> lines) {
        return lines.stream().allMatch(l -> l.result().passed());
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bin/faults: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path dir = Files.createTempDirectory("gn-faults-");
        if (o.soak() != null) {
            System.exit(Soak.run(dir, o) ? 0 : 1);
        }
        List<Row> rows = select(o.rows());
        int guests = Math.max(o.guests(), rows.stream().anyMatch(r -> r.name().startsWith("fence-storm"))
                ? HostRows.STORM_GUESTS : 0);
        List<Line> lines = List.of();
        String resolution = "";
        FaultRun run = null;
        Thread cleanup = Thread.ofPlatform().unstarted(() -> interrupted(dir));
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            run = startRun(dir, guests);
            System.out.println("rows (" + guests + " guests):");
            lines = run(run, rows);
        } finally {
            if (run != null) {
                run.close();
                run.lab.close();
                resolution = "Observer: " + run.observer.resolution() + ".\n";
            }
            String table = Table.render(lines) + resolution;
            System.out.println();
            System.out.print(table);
            Options.keep(o, dir, table);
            FaultLab.delete(dir);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        System.exit(allPassed(lines) && lines.size() == rows.size() ? 0 : 1);
    }
}
