package io.guestnode.operator.simulate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code AgreementMain FROM TO DIR} (bin/simulate-compare): compares seeds FROM..TO with crm_simulate. Every
 * disagreement is kept in DIR as a scenario: its CIB ({@code seed-N.xml}, to be simulated at the time its
 * {@code seed-N.txt} gives) and what each side printed, with the classes of {@code simulate/differences.xml} that
 * explain it or UNEXPLAINED; what agrees is not kept. Prints a line per disagreement and the figures.
 */
public final class AgreementMain {
    private AgreementMain() {
    }

    public static void main(String[] args) throws Exception {
        long from = Long.parseLong(args[0]);
        long to = Long.parseLong(args[1]);
        Path work = Path.of(args[2]);
        Files.createDirectories(work);
        Differences differences = Differences.load();
        int agree = 0;
        int total = 0;
        int unexplained = 0;
        Map<String, Integer> byClass = new TreeMap<>();
        for (long seed = from; seed <= to; seed++) {
            total++;
            Agreement a;
            try {
                a = Agreement.of(seed, work);
            } catch (IOException e) {
                System.out.println("== seed " + seed + " could not be compared: " + e.getMessage().lines()
                        .findFirst().orElse(""));
                continue;
            } finally {
                tidy(work, seed);
            }
            if (a.agrees()) {
                agree++;
                Files.deleteIfExists(a.cib());
                continue;
            }
            Differences.Verdict v = differences.judge(a, CibDocument.read(a.cib()).definitions());
            v.classes().forEach(c -> byClass.merge(c, 1, Integer::sum));
            if (!v.explained()) {
                unexplained++;
            }
            String report = "seed " + seed + ": simulate " + a.cib() + " at " + a.at() + "\n"
                    + "classes: " + v.classes() + (v.explained() ? "" : "\nUNEXPLAINED: " + v.unexplained()) + "\n"
                    + "pacemaker: " + a.pacemaker() + "\nguestnode: " + a.guestnode() + "\n"
                    + "revised pacemaker: " + a.pacemakerRevised() + "\nrevised guestnode: " + a.guestnodeRevised()
                    + "\n";
            Files.writeString(work.resolve("seed-" + seed + ".txt"), report);
            System.out.println("== seed " + seed + " " + a.cib() + " -t " + a.at() + " " + v.classes()
                    + (v.explained() ? "" : " UNEXPLAINED " + v.unexplained()));
        }
        System.out.println("disagreements by class: " + byClass + (unexplained > 0 ? ", unexplained: " + unexplained
                : ""));
        System.out.printf("%d of %d agree (%.1f %%)%n", agree, total, 100.0 * agree / total);
        System.exit(unexplained > 0 ? 1 : 0);
    }

    /** Removes what a seed's comparison left besides its CIB. */
    private static void tidy(Path work, long seed) throws IOException {
        String prefix = "seed-" + seed + "-";
        try (Stream<Path> files = Files.list(work)) {
            for (Path p : files.filter(p -> p.getFileName().toString().startsWith(prefix)
                    || p.getFileName().toString().startsWith("seed-" + seed + ".xml.")).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
