package io.guestnode.operator.simulate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * guestnode simulate against Pacemaker's own scheduler (crm_simulate of pacemaker-cli-utils 2.1.5) on generated
 * guest-node clusters, seeds 1-200: each Transition Summary and revised status agrees, or differs by a reviewed class
 * of {@code simulate/differences.xml}; the share that agrees outright is at least the file's floor. The figures go to
 * {@code target/simulate-agreement/summary.txt}.
 */
class PacemakerAgreementTest {
    static final int SEEDS = 200;
    static final Path WORK = Path.of("target", "simulate-agreement");

    @Test
    void generatedClustersAgreeOrDifferByAReviewedClass() throws Exception {
        assertTrue(CrmSimulate.installed(), CrmSimulate.BINARY + " is missing: Debian's pacemaker-cli-utils "
                + "(bin/setup-host installs it)");
        Differences differences = Differences.load();
        List<String> unexplained = new ArrayList<>();
        Map<String, Integer> byClass = new TreeMap<>();
        int agree = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            Agreement a = Agreement.of(seed, WORK);
            if (a.agrees()) {
                agree++;
                continue;
            }
            Differences.Verdict v = differences.judge(a, CibDocument.read(a.cib()).definitions());
            v.classes().forEach(c -> byClass.merge(c, 1, Integer::sum));
            if (!v.explained()) {
                unexplained.add("seed " + seed + " (" + a.cib() + ", -t " + a.at() + "): " + v.unexplained());
            }
        }
        String summary = String.format("%d of %d generated clusters agree with crm_simulate (%.1f %%); "
                + "disagreements by class: %s%n", agree, SEEDS, 100.0 * agree / SEEDS, byClass);
        Files.writeString(WORK.resolve("summary.txt"), summary);
        System.out.print(summary);
        assertTrue(unexplained.isEmpty(), "disagreements no class of simulate/differences.xml explains:\n"
                + String.join("\n", unexplained));
        assertTrue(agree * 100 >= differences.floorPercent() * SEEDS, summary.trim() + "; the floor is "
                + differences.floorPercent() + " %");
    }

    @Test
    void everyClassShowsInItsScenario() throws Exception {
        assertTrue(CrmSimulate.installed(), CrmSimulate.BINARY + " is missing");
        Differences differences = Differences.load();
        for (Differences.Kind k : differences.kinds()) {
            assertTrue(k.kind().equals("intended") || k.kind().equals("open"), k.name() + ": kind " + k.kind());
            assertFalse(k.reason().isBlank(), k.name() + " has no reason");
            Path cib = Path.of(PacemakerAgreementTest.class.getResource("/simulate/scenarios/" + k.scenario()).toURI());
            Agreement a = Agreement.compare(0, cib, Instant.parse(k.at()), WORK.resolve("classes"));
            Differences.Verdict v = differences.judge(a, CibDocument.read(cib).definitions());
            assertFalse(a.agrees(), k.name() + ": its scenario agrees with crm_simulate");
            assertTrue(v.explained() && v.classes().contains(k.name()), k.name() + ": its scenario shows "
                    + v.classes() + ", unexplained " + v.unexplained() + "\nPacemaker " + a.pacemaker()
                    + "\nguestnode " + a.guestnode());
        }
    }
}
