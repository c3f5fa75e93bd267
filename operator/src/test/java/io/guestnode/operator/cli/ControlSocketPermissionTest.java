package io.guestnode.operator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.guestnode.agents.domain.LibvirtDomainAgent;
import io.guestnode.agents.testing.Shell;
import io.guestnode.operator.api.ControlServer;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.engine.Engine;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.Overrides;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user the control socket does not admit (neither root nor in the haclient group) gets exit code 77 and a message
 * that says so, not "guestnode is not running": the CLI runs as {@code nobody} against a real daemon's socket.
 */
class ControlSocketPermissionTest {
    @Test
    void aUserTheSocketDoesNotAdmitExits77(@TempDir Path dir) throws Exception {
        assumeTrue(Shell.isRoot(), "running the CLI as another user needs root");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        String cp = readableClasspath(dir.resolve("cp"));
        String java = ProcessHandle.current().info().command().orElse("java");
        try (LibvirtDomainAgent domains = new LibvirtDomainAgent();
             Engine engine = new Engine(Definitions.empty("host1"), ObservedState.EMPTY, Overrides.NONE, List.of(),
                     domains, () -> null, Clock.systemUTC(), s -> { })) {
            Path socket = dir.resolve("guestnode.sock");
            ControlServer server = new ControlServer(socket, engine, () -> null);
            try {
                Shell.Result asNobody = Shell.run(List.of("setpriv", "--reuid=nobody", "--regid=nogroup",
                        "--clear-groups", java, "-cp", cp, GuestnodeCli.class.getName(), "status", "--socket",
                        socket.toString()));
                assertEquals(77, asNobody.exitCode(), asNobody.output());
                assertTrue(asNobody.output().contains("permission denied on the control socket " + socket),
                        asNobody.output());
                assertFalse(asNobody.output().contains("Exception"), asNobody.output());
                Shell.Result disable = Shell.run(List.of("setpriv", "--reuid=nobody", "--regid=nogroup",
                        "--clear-groups", java, "-cp", cp, GuestnodeCli.class.getName(), "disable", "x",
                        "--socket", socket.toString()));
                assertEquals(77, disable.exitCode(), disable.output());
            } finally {
                server.close();
            }
        }
    }

    /** This JVM's classpath copied where {@code nobody} can read it (a build's home may be private). */
    static String readableClasspath(Path into) throws IOException {
        List<String> out = new ArrayList<>();
        int i = 0;
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : classpath.split(File.pathSeparator)) {
            Path from = Path.of(entry);
            if (!Files.exists(from)) {
                continue;
            }
            Path to = into.resolve(i++ + (Files.isDirectory(from) ? "" : ".jar"));
            try (Stream<Path> files = Files.walk(from)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Path target = to.resolve(from.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            out.add(to.toString());
        }
        try (Stream<Path> all = Files.walk(into)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x"
                        : "rw-r--r--"));
            }
        }
        return String.join(File.pathSeparator, out);
    }
}
