package io.guestnode.operator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The scale benchmark's figures: one row per phase and N, kept as a small TSV, and the README's table. */
final class ScaleTable {
    private ScaleTable() {
    }

    /**
     * One phase's figures; null times mean "not within the time allowed", negative figures "not measured".
     *
     * @param online  seconds until every guest was online
     * @param dummies seconds until every Dummy was started
     * @param cpu     % of one core at steady state
     * @param rss     peak RSS (MiB) at steady state
     * @param givenUp guests left down at the end (guestnode only)
     */
    record Row(Double online, Double dummies, double cpu, double rss, long givenUp) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "all online %s s, all Dummies %s s, CPU %.1f%%, peak RSS %.0f MiB, "
                    + "given up %d", time(online), time(dummies), cpu, rss, givenUp);
        }
    }

    static void write(Path file, Row r) throws IOException {
        Files.writeString(file, String.join("\t", time(r.online()), time(r.dummies()), Double.toString(r.cpu()),
                Double.toString(r.rss()), Long.toString(r.givenUp())) + "\n");
    }

    static Optional<Row> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String[] f = Files.readString(file).trim().split("\t");
        return Optional.of(new Row(parse(f[0]), parse(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                Long.parseLong(f[4])));
    }

    private static Double parse(String s) {
        return s.equals("-") ? null : Double.parseDouble(s);
    }

    private static String time(Double d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.1f", d);
    }

    static String render(Path work, List<Integer> ns) throws IOException {
        StringBuilder md = new StringBuilder("| guests | floor: all online / all Dummies (s) | guestnode: all online / "
                + "all Dummies (s) | guestnode / floor (Dummies) | given up | guestnode CPU at steady state | "
                + "guestnode peak RSS | Pacemaker: all online / all Dummies (s) | Pacemaker CPU | Pacemaker peak RSS |\n"
                + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int n : ns) {
            Path dir = work.resolve("scale-" + n);
            Optional<Row> floor = read(dir.resolve("floor.tsv"));
            Optional<Row> gn = read(dir.resolve("guestnode.tsv"));
            Optional<Row> pcmk = read(dir.resolve("pacemaker.tsv"));
            String cap = "not within " + ScaleBench.cap(n) + " s";
            md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", n,
                    floor.map(r -> pair(r, cap)).orElse("not run"),
                    gn.map(r -> pair(r, cap)).orElse("not run"),
                    ratio(gn, floor),
                    gn.map(r -> Long.toString(r.givenUp())).orElse("-"),
                    gn.map(r -> pct(r.cpu())).orElse("-"),
                    gn.map(r -> mib(r.rss())).orElse("-"),
                    pcmk.map(r -> pair(r, cap)).orElse("not run"),
                    pcmk.map(r -> pct(r.cpu())).orElse("-"),
                    pcmk.map(r -> mib(r.rss())).orElse("-")));
        }
        return md.toString();
    }

    private static String pair(Row r, String cap) {
        return (r.online() == null ? cap : time(r.online())) + " / " + (r.dummies() == null ? cap : time(r.dummies()));
    }

    private static String ratio(Optional<Row> gn, Optional<Row> floor) {
        if (gn.isEmpty() || floor.isEmpty() || gn.get().dummies() == null || floor.get().dummies() == null) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2fx", gn.get().dummies() / floor.get().dummies());
    }

    private static String pct(double cpu) {
        return cpu < 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", cpu);
    }

    private static String mib(double rss) {
        return rss < 0 ? "-" : String.format(Locale.ROOT, "%.0f MiB", rss);
    }
}
