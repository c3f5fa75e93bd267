package io.guestnode.agents.fencing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watchdog device's protocol, against a fake device file (these machines have no watchdog device). */
class WatchdogDeviceTest {
    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    private Path device() throws Exception {
        return Files.createFile(dir.resolve("watchdog"));
    }

    @Test
    void keptAliveOnlyUntilTheDeadlineItWasFed() throws Exception {
        Path dev = device();
        DeviceFile.Plain file = new DeviceFile.Plain(dev);
        try (WatchdogDevice w = new WatchdogDevice(file, Duration.ofSeconds(1), System::nanoTime)) {
            assertEquals(1, file.timeout(), "the device's timeout is W");
            Thread.sleep(400);
            assertEquals(0, Files.size(dev), "never fed: nothing keeps the host alive");
            long t = System.nanoTime();
            w.feedUntil(t + 700 * MS);
            Thread.sleep(500);
            assertTrue(Files.size(dev) > 0, "fed: kept alive");
            Thread.sleep(500); // past the deadline
            long after = Files.size(dev);
            w.feedUntil(t + 300 * MS); // a late feed with an older deadline
            Thread.sleep(700);
            assertEquals(after, Files.size(dev), "past the deadline nothing is written, and an older deadline "
                    + "extends nothing: the device resets the host W after the last keepalive");
            w.feedUntil(System.nanoTime() + 10_000 * MS);
            Thread.sleep(400);
            assertTrue(Files.size(dev) > after, "a newer deadline keeps it alive again");
            w.disarm();
        }
        byte[] bytes = Files.readAllBytes(dev);
        assertEquals('V', bytes[bytes.length - 1], "a planned stop ends with the magic character");
    }

    @Test
    void aCrashLeavesTheDeviceArmed() throws Exception {
        Path dev = device();
        try (WatchdogDevice w = new WatchdogDevice(new DeviceFile.Plain(dev), Duration.ofSeconds(1), System::nanoTime)) {
            w.feedUntil(System.nanoTime() + 10_000 * MS);
            Thread.sleep(300);
        } // closed without disarm, as when the daemon dies
        byte[] bytes = Files.readAllBytes(dev);
        assertTrue(bytes.length > 0);
        assertNotEquals('V', bytes[bytes.length - 1], "no magic character: the host resets");
    }

    @Test
    void aTimeoutADeviceCannotTakeIsNamed() throws Exception {
        Path dev = device();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WatchdogDevice(new DeviceFile.Plain(dev), Duration.ofMillis(2500), System::nanoTime));
        assertEquals("--watchdog-timeout 2500 ms: a watchdog device counts whole seconds, at least 1", e.getMessage());
    }

    @Test
    void aFileThatIsNoWatchdogIsRefusedNamingIt() throws Exception {
        Path dev = device();
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> {
            try (LinuxWatchdog w = new LinuxWatchdog(dev)) {
                w.setTimeout(6);
            }
        });
        assertTrue(e.getMessage().startsWith(dev + " is not a watchdog device"), e.getMessage());
    }
}
