package io.guestnode.operator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.agents.testing.RemotedSandbox;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code guestnode probe} against a real pacemaker-remoted: output and exit codes. */
class ProbeCommandIT {
    @TempDir
    static Path dir;
    static RemotedSandbox remoted;

    @BeforeAll
    static void start() {
        remoted = RemotedSandbox.start(dir.resolve("remoted"));
    }

    @AfterAll
    static void stop() {
        remoted.close();
    }

    record Run(int code, String out, String err) {
    }

    static Run probe(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] full = new String[args.length + 1];
        full[0] = "probe";
        System.arraycopy(args, 0, full, 1, args.length);
        int code = GuestnodeCli.run(full, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    String addr() {
        return remoted.endpoint().host();
    }

    String port() {
        return Integer.toString(remoted.endpoint().port());
    }

    @Test
    void answeringRemotePrintsEveryStep() {
        Run r = probe("--addr", addr(), "--port", port(), "--key", remoted.keyFile().toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("pacemaker-remoted at " + remoted.endpoint() + " answered"), r.out());
        assertTrue(r.out().contains("TLS 1.3"), r.out());
        assertTrue(r.out().contains("remote protocol 1.1"), r.out());
        assertTrue(r.out().contains("poke"), r.out());
        assertTrue(r.out().contains("sha256:" + remoted.key().fingerprint()), r.out());
    }

    @Test
    void wrongKeyIsExitSevenAndNeverShowsTheKey() throws Exception {
        Path wrong = dir.resolve("wrong");
        byte[] bytes = RemotedSandbox.newKey();
        Files.write(wrong, bytes);
        Run r = probe("--addr", addr(), "--port", port(), "--key", wrong.toString());
        assertEquals(77, r.code(), r.err());
        assertTrue(r.err().startsWith("guestnode probe: key rejected: "), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void withGuestItUsesThatGuestsOwnKeyWhenItHasOne() throws Exception {
        Path state = dir.resolve("state");
        Path own = Files.createDirectories(state.resolve("keys/guest1")).resolve("authkey");
        Files.copy(remoted.keyFile(), own);
        Path shared = Files.write(dir.resolve("shared"), RemotedSandbox.newKey());

        Run r = probe("--addr", addr(), "--port", port(), "--key", shared.toString(), "--state-dir", state.toString(),
                "--guest", "guest1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("key             " + own + " ("), r.out());

        Run other = probe("--addr", addr(), "--port", port(), "--key", shared.toString(), "--state-dir",
                state.toString(), "--guest", "guest2");
        assertEquals(77, other.code(), "guest2 has no key of its own: the shared key, which the remote rejects");

        Files.write(own, new byte[0]);
        Run empty = probe("--addr", addr(), "--port", port(), "--key", shared.toString(), "--state-dir",
                state.toString(), "--guest", "guest1");
        assertEquals(66, empty.code(), empty.err());
        assertTrue(empty.err().contains(own + " is empty"), empty.err());

        assertEquals(64, probe("--addr", addr(), "--guest", "..").code());
    }

    @Test
    void refusedPortIsExitFour() {
        Run r = probe("--addr", addr(), "--port", Integer.toString(remoted.endpoint().port() + 1), "--key",
                remoted.keyFile().toString());
        assertEquals(69, r.code(), r.err());
        assertTrue(r.err().contains("connection refused"), r.err());
    }

    @Test
    void missingKeyIsExitThreeAndNamesThePath() {
        Run r = probe("--addr", addr(), "--key", dir.resolve("absent").toString());
        assertEquals(66, r.code());
        assertTrue(r.err().contains(dir.resolve("absent") + " does not exist"), r.err());
    }

    @Test
    void unresolvableNameIsExitFive() {
        Run r = probe("--addr", "no-such-guest.invalid", "--key", remoted.keyFile().toString(), "--timeout", "2s");
        assertEquals(68, r.code(), r.err());
    }

    @Test
    void badArgumentsAreExitTwoWithoutStackTrace() {
        Run badPort = probe("--addr", addr(), "--port", "70000");
        assertEquals(64, badPort.code());
        assertTrue(badPort.err().contains("--port 70000"), badPort.err());
        Run badTimeout = probe("--addr", addr(), "--timeout", "soon");
        assertEquals(64, badTimeout.code());
        assertTrue(badTimeout.err().contains("'soon' is not a duration"), badTimeout.err());
        Run noAddr = probe();
        assertEquals(64, noAddr.code());
        assertTrue(noAddr.err().contains("Missing required option: '--addr=HOST'"), noAddr.err());
        for (Run r : new Run[] {badPort, badTimeout, noAddr}) {
            assertFalse(r.err().contains("\tat "), r.err());
        }
    }
}
