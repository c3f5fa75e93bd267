package io.guestnode.agents.fencing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadlineFileTest {
    static long read(Path f) throws Exception {
        return Long.parseLong(Files.readString(f).trim());
    }

    @Test
    void resetIsTheLeaseEndPlusWOnTheWallClockAndNeverMovesEarlier(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("watchdog-deadline");
        AtomicLong nanos = new AtomicLong(5_000_000_000L);
        AtomicLong wall = new AtomicLong(1_000_000L);
        DeadlineFile w = new DeadlineFile(f, Duration.ofSeconds(6), nanos::get, wall::get);
        w.feedUntil(nanos.get() + 4_000_000_000L); // lease ends in 4 s
        assertEquals(1_000_000L + 4_000 + 6_000, read(f));
        nanos.addAndGet(1_000_000_000L);
        wall.addAndGet(1_000);
        w.feedUntil(nanos.get() + 1_000_000_000L); // an older lease end: a late feed cannot move it
        assertEquals(1_010_000L, read(f));
        w.feedUntil(nanos.get() + 5_000_000_000L);
        assertEquals(1_001_000L + 5_000 + 6_000, read(f));
        w.close(); // a crash: the deadline stays, the host resets then
        w.feedUntil(nanos.get() + 50_000_000_000L);
        assertEquals(1_012_000L, read(f));
    }

    @Test
    void aPlannedStopDisarms(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("watchdog-deadline");
        DeadlineFile w = new DeadlineFile(f, Duration.ofSeconds(3));
        w.feedUntil(System.nanoTime() + 1_000_000_000L);
        w.disarm();
        assertEquals(0, read(f));
        w.feedUntil(System.nanoTime() + 9_000_000_000L);
        assertEquals(0, read(f), "no feed after disarming");
    }
}
