package io.guestnode.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's JVM, started with the options {@code bin/guestnode run} gives it, exits when a thread runs out of
 * memory instead of living on without that thread (a reader or the control loop gone, the rest still up).
 */
class DaemonJvmOptionsTest {

    static final String HALF_DEAD = """
            public class HalfDead {
                public static void main(String[] args) throws Exception {
                    Thread hog = new Thread(() -> {
                        java.util.List<byte[]> kept = new java.util.ArrayList<>();
                        while (true) {
                            kept.add(new byte[1 << 20]);
                        }
                    });
                    hog.start();
                    hog.join();
                    System.out.println("still running after an OutOfMemoryError");
                    Thread.sleep(120_000);
                }
            }
            """;

    static List<String> daemonOptions() throws IOException {
        return io.guestnode.agents.testing.DaemonJvm.options(Path.of(System.getProperty("guestnode.root", "..")));
    }

    @Test
    void daemonExitsOnOutOfMemoryError(@TempDir Path dir) throws Exception {
        Path program = dir.resolve("HalfDead.java");
        Files.writeString(program, HALF_DEAD);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(daemonOptions());
        command.add(program.toString());
        Process jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean exited = jvm.waitFor(30, TimeUnit.SECONDS);
        if (!exited) {
            jvm.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = new String(jvm.getInputStream().readNBytes(64 * 1024), StandardCharsets.UTF_8);
        assertTrue(exited, "the JVM lived on after an OutOfMemoryError: " + output);
        assertEquals(3, jvm.exitValue(), output);
        assertFalse(output.contains("still running"), output);
    }
}
