package io.guestnode.operator.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.guestnode.operator.definitions.Alert;
import io.guestnode.operator.definitions.DefinitionsLoader;
import io.guestnode.operator.definitions.Problem;
import io.guestnode.operator.planner.Action;
import io.guestnode.operator.planner.Event;
import io.guestnode.operator.planner.ObservedState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CIB's alerts run Pacemaker's own sample agent (alert_file.sh.sample, pacemaker-common) with Pacemaker's
 * CRM_alert_* environment: its lines for fencing, node and resource events are Pacemaker's; select and recipients are
 * honoured; a hanging agent is killed at its timeout and never stalls the control loop.
 */
class AlertSenderTest {
    static final Path SAMPLE = Path.of("/usr/share/pacemaker/alerts/alert_file.sh.sample");
    static final Instant AT = Instant.parse("2026-12-02T10:11:12.345678Z");

    static List<String> await(Path file, int lines) throws InterruptedException, java.io.IOException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end) {
            if (Files.exists(file) && Files.readAllLines(file).size() >= lines) {
                Thread.sleep(200); // and no more than that
                return Files.readAllLines(file);
            }
            Thread.sleep(20);
        }
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    static void events(AlertSender s) {
        ObservedState e = ObservedState.EMPTY;
        s.applied(Event.ActionFinished.ok(new Action.Fence("g1", "vm-g1", "connection lost: eof")), e, e, AT);
        s.applied(Event.ActionFinished.ok(new Action.Connect("g1", "start")), e, e, AT);
        s.applied(Event.ActionFinished.ok(new Action.StartService("dummy1", "g1", "start")), e, e, AT);
        s.applied(new Event.MonitorResult("dummy1", "g1", 10_000, 7, "complete", ""), e, e, AT);
    }

    @Test
    void pacemakersSampleAgentWritesPacemakersLines(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isReadable(SAMPLE), "pacemaker-common's sample agent");
        Path agent = Files.copy(SAMPLE, dir.resolve("alert_file.sh"));
        agent.toFile().setExecutable(true);
        Path all = dir.resolve("all.log");
        Path fencing = dir.resolve("fencing.log");
        Path second = dir.resolve("second.log");
        try (AlertSender s = new AlertSender(List.of(
                new Alert("file", agent, Duration.ofSeconds(10), "%H:%M:%S.%06N", Map.of(), Set.of(),
                        List.of(all.toString(), second.toString())),
                new Alert("fence-only", agent, Duration.ofSeconds(10), "%Y-%m-%d", Map.of(),
                        Set.of(Alert.Kind.FENCING), List.of(fencing.toString()))), "h1", "guestnode 1.2.3")) {
            events(s);
            String ts = Timestamps.format("%H:%M:%S.%06N", AT, java.time.ZoneId.systemDefault());
            List<String> lines = await(all, 5);
            for (String line : List.of(
                    ts + ": Fencing Operation off of g1 by h1 for guestnode@h1: OK",
                    ts + ": Node 'g1' is now 'lost'",
                    ts + ": Node 'g1' is now 'member'",
                    ts + ": Resource operation 'start' for 'dummy1' on 'g1': ok",
                    ts + ": Resource operation 'monitor (10000)' for 'dummy1' on 'g1': not running")) {
                assertTrue(lines.contains(line), line + " in " + lines);
            }
            assertEquals(5, lines.size(), lines.toString());
            assertEquals(5, await(second, 5).size(), "every recipient gets every alert");
            List<String> fences = await(fencing, 1);
            assertEquals(List.of(AT.atZone(java.time.ZoneId.systemDefault()).toLocalDate()
                    + ": Fencing Operation off of g1 by h1 for guestnode@h1: OK"), fences, "select_fencing only");
        }
    }

    @Test
    void aHangingAgentIsKilledAtItsTimeoutAndNeverStallsTheLoop(@TempDir Path dir) throws Exception {
        Path agent = Files.writeString(dir.resolve("hang.sh"), "#!/bin/sh\necho started >> \"$CRM_alert_recipient\"\n"
                + "sleep 30\necho finished >> \"$CRM_alert_recipient\"\n");
        agent.toFile().setExecutable(true);
        Path out = dir.resolve("out.log");
        try (AlertSender s = new AlertSender(List.of(new Alert("hang", agent, Duration.ofMillis(500),
                Alert.DEFAULT_TIMESTAMP_FORMAT, Map.of(), Set.of(), List.of(out.toString()))), "h1", "v")) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                events(s);
            }
            assertTrue(System.nanoTime() - t0 < Duration.ofMillis(500).toNanos(), "the loop never waits for agents");
            Thread.sleep(2_000);
            List<String> lines = Files.readAllLines(out);
            assertTrue(lines.stream().allMatch("started"::equals), "killed before it finished: " + lines);
            assertTrue(lines.size() >= 2 && lines.size() <= 10, "two agents at a time, each killed at 0.5 s: "
                    + lines.size());
        }
    }

    @Test
    void timestampFormatIsPacemakers() {
        assertEquals("10:11:12.345678", Timestamps.format("%H:%M:%S.%06N", AT, ZoneOffset.UTC));
        assertEquals("2026-12-02 10:11:12.345678000 %Q 100%", Timestamps.format("%Y-%m-%d %H:%M:%S.%N %Q 100%%",
                AT, ZoneOffset.UTC));
    }

    @Test
    void theAlertsSectionIsReadAndItsErrorsNamed(@TempDir Path dir) throws Exception {
        Path cib = Files.writeString(dir.resolve("cib.xml"), """
                <configuration><resources/><alerts>
                  <alert id="a1" path="/usr/share/pacemaker/alerts/alert_file.sh.sample">
                    <meta_attributes id="a1-m"><nvpair id="a1-t" name="timeout" value="15s"/>
                      <nvpair id="a1-f" name="timestamp-format" value="%H:%M"/></meta_attributes>
                    <instance_attributes id="a1-i"><nvpair id="a1-d" name="debug_exec_order" value="false"/>
                    </instance_attributes>
                    <select><select_fencing/><select_nodes/></select>
                    <recipient id="a1-r" value="/var/log/guestnode-alerts.log"/>
                  </alert>
                  <alert id="a2" path="relative.sh"/>
                </alerts></configuration>
                """);
        DefinitionsLoader.Result r = new DefinitionsLoader("h1").load(List.of(cib));
        assertEquals(List.of(new Alert("a1", Path.of("/usr/share/pacemaker/alerts/alert_file.sh.sample"),
                Duration.ofSeconds(15), "%H:%M", Map.of("debug_exec_order", "false"),
                Set.of(Alert.Kind.FENCING, Alert.Kind.NODE), List.of("/var/log/guestnode-alerts.log"))), r.alerts());
        List<String> errors = r.problems().stream().filter(Problem::isError).map(Problem::toString).toList();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith(cib + ":10: <alert id=\"a2\">: path 'relative.sh' must be the agent's "
                + "absolute path"), errors.get(0));
    }
}
