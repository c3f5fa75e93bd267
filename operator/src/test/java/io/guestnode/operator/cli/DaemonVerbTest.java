package io.guestnode.operator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every verb that needs the daemon says clearly when it is not running, with exit code 69. */
class DaemonVerbTest {
    @Test
    void daemonNotRunning(@TempDir Path dir) {
        String sock = dir.resolve("none.sock").toString();
        for (String[] args : new String[][] {{"status"}, {"cleanup", "x"}, {"disable", "x"}, {"enable", "x"},
            {"fence", "g"}, {"maintenance", "on"}, {"reload"}}) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            String[] full = new String[args.length + 2];
            System.arraycopy(args, 0, full, 0, args.length);
            full[args.length] = "--socket";
            full[args.length + 1] = sock;
            int rc = GuestnodeCli.run(full, new PrintWriter(out, true), new PrintWriter(err, true));
            assertEquals(69, rc, String.join(" ", args));
            assertTrue(err.toString().contains("guestnode is not running (no control socket at " + sock + ")"),
                    err.toString());
            assertTrue(!err.toString().contains("Exception"), err.toString());
        }
    }

    @Test
    void everyVerbHasHelp() {
        for (String verb : new String[] {"run", "status", "cleanup", "disable", "enable", "fence", "maintenance",
            "reload", "check", "probe", "template"}) {
            StringWriter out = new StringWriter();
            int rc = GuestnodeCli.run(new String[] {verb, "--help"}, new PrintWriter(out, true),
                    new PrintWriter(new StringWriter(), true));
            assertEquals(0, rc, verb);
            assertTrue(out.toString().startsWith("Usage: guestnode " + verb), out.toString());
        }
    }
}
