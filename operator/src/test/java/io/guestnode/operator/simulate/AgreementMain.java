package io.guestnode.operator.simulate;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code AgreementMain FROM TO WORKDIR}: compares seeds FROM..TO and prints each disagreement and the total. */
public final class AgreementMain {
    private AgreementMain() {
    }

    public static void main(String[] args) throws Exception {
        long from = Long.parseLong(args[0]);
        long to = Long.parseLong(args[1]);
        Path work = Path.of(args[2]);
        Files.createDirectories(work);
        int agree = 0;
        int total = 0;
        for (long seed = from; seed <= to; seed++) {
            Agreement a;
            try {
                a = Agreement.of(seed, work);
            } catch (java.io.IOException e) {
                System.out.println("== seed " + seed + " could not be compared: " + e.getMessage().lines().findFirst()
                        .orElse(""));
                total++;
                continue;
            }
            total++;
            if (a.agrees()) {
                agree++;
                continue;
            }
            System.out.println("== seed " + seed + " " + a.cib() + " -t " + a.at());
            System.out.println("  pacemaker: " + a.pacemaker());
            System.out.println("  guestnode: " + a.guestnode());
            if (!a.pacemakerRevised().equals(a.guestnodeRevised())) {
                System.out.println("  revised pacemaker: " + a.pacemakerRevised());
                System.out.println("  revised guestnode: " + a.guestnodeRevised());
            }
        }
        System.out.printf("%d of %d agree (%.1f %%)%n", agree, total, 100.0 * agree / total);
    }
}
