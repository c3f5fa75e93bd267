package io.guestnode.operator.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Under journald every line carries its syslog priority and no time; elsewhere the time and the level. A process
 * whose standard error is the stream JOURNAL_STREAM names writes priorities, with the daemon's own logback.xml.
 */
class JournalLayoutTest {
    private static LoggingEvent event(Level level, String msg) {
        Logger l = (Logger) LoggerFactory.getLogger("io.guestnode.operator.engine.Engine");
        return new LoggingEvent(Logger.FQCN, l, level, msg, null, null);
    }

    @Test
    void underJournaldEachLineBeginsWithItsPriorityAndNoTime() {
        JournalLayout j = new JournalLayout(true);
        assertEquals("<3>Engine: lost\n", j.doLayout(event(Level.ERROR, "lost")));
        assertEquals("<4>Engine: slow\n", j.doLayout(event(Level.WARN, "slow")));
        assertEquals("<6>Engine: up\n", j.doLayout(event(Level.INFO, "up")));
        assertEquals("<7>Engine: x\n", j.doLayout(event(Level.DEBUG, "x")));
        assertEquals("<4>Engine: a\\nb\\rc\n", j.doLayout(event(Level.WARN, "a\nb\rc")), "one event, one line");
        String plain = new JournalLayout(false).doLayout(event(Level.WARN, "slow"));
        assertTrue(plain.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  Engine: slow\n"), plain);
    }

    @Test
    void journalStreamMustNameThisProcesssStandardError(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("stream"), "");
        String id = Files.getAttribute(f, "unix:dev") + ":" + Files.getAttribute(f, "unix:ino");
        assertTrue(JournalLayout.underJournal(id, f));
        assertFalse(JournalLayout.underJournal(id + "1", f), "another stream: stderr was redirected since");
        assertFalse(JournalLayout.underJournal(null, f));
        assertFalse(JournalLayout.underJournal("8:x", f));
    }

    /** A child JVM logging through the daemon's logback.xml, its stderr a file that JOURNAL_STREAM names (or not). */
    @Test
    void aProcessUnderJournaldWritesPriorities(@TempDir Path dir) throws Exception {
        Path err = Files.writeString(dir.resolve("stderr"), "");
        String id = Files.getAttribute(err, "unix:dev") + ":" + Files.getAttribute(err, "unix:ino");
        assertEquals(List.of("<4>JournalLayoutTest: a warning", "<3>JournalLayoutTest: an error"), child(err, id));
        Path other = Files.writeString(dir.resolve("stderr2"), "");
        List<String> plain = child(other, id);
        assertTrue(plain.get(0).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  JournalLayoutTest: a warning"),
                "JOURNAL_STREAM names another file: " + plain);
    }

    private static List<String> child(Path stderr, String journalStream) throws Exception {
        String config = JournalLayoutTest.class.getClassLoader().getResource("logback.xml").toString();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=" + config, "-cp", System.getProperty("java.class.path"),
                Child.class.getName());
        pb.environment().put("JOURNAL_STREAM", journalStream);
        pb.redirectError(stderr.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        return Files.readAllLines(stderr);
    }

    /** Logs a warning and an error. */
    public static final class Child {
        public static void main(String[] args) {
            org.slf4j.Logger log = LoggerFactory.getLogger(JournalLayoutTest.class);
            log.warn("a warning");
            log.error("an error");
        }
    }
}
