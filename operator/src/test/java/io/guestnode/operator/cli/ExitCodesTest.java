package io.guestnode.operator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.agents.domain.LibvirtDomainAgent;
import io.guestnode.agents.remote.ConnectFailure;
import io.guestnode.operator.api.ControlServer;
import io.guestnode.operator.api.Refusal;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.engine.Engine;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.Overrides;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One table of exit codes (Pacemaker's crm_exit_t), the same in {@code --help} and the README, and each code returned
 * where the table says: by a real daemon (engine and control socket) for its refusals, by the CLI for bad command
 * lines and an unreadable answer. The probe's codes are shown against a real pacemaker-remoted in ProbeCommandIT,
 * 124 by the lab's migration tests, 77 by {@link ControlSocketPermissionTest}.
 */
class ExitCodesTest {
    static final List<String> VERBS = List.of("run", "status", "cleanup", "disable", "enable", "fence",
            "maintenance", "reload", "restart", "move", "ban", "clear", "standby", "unstandby", "check", "probe", "template", "simulate",
            "adopt");

    static String[] cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GuestnodeCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void theReadmeHasTheOneTable() throws Exception {
        Path readme = Path.of(System.getProperty("guestnode.root", "..")).resolve("README.md");
        List<ExitCodes.Code> rows = new ArrayList<>();
        boolean in = false;
        for (String line : Files.readAllLines(readme)) {
            if (line.startsWith("| Exit | crm_exit_t | Meaning |")) {
                in = true;
            } else if (in && line.startsWith("| ") && !line.startsWith("|---")) {
                String[] c = line.substring(2, line.length() - 2).split(" \\| ");
                rows.add(new ExitCodes.Code(Integer.parseInt(c[0]), c[1], c[2]));
            } else if (in && !line.startsWith("|---")) {
                break;
            }
        }
        assertEquals(ExitCodes.TABLE, rows, "README.md's exit-code table");
    }

    @Test
    void helpListsTheTableAndEachVerbItsCodes() {
        String[] top = cli("--help");
        assertEquals("0", top[0]);
        for (ExitCodes.Code c : ExitCodes.TABLE) {
            String start = c.meaning().substring(0, Math.min(12, c.meaning().length()));
            assertTrue(top[1].lines().anyMatch(l -> l.matches("\\s*" + c.code() + "\\s+.*") && l.contains(start)),
                    c + " in guestnode --help:\n" + top[1]);
        }
        for (String verb : VERBS) {
            String[] h = cli(verb, "--help");
            assertEquals("0", h[0], verb);
            assertTrue(h[1].contains("Exit codes:"), verb + " --help:\n" + h[1]);
            assertTrue(h[1].lines().anyMatch(l -> l.matches("\\s*64\\s+.*")), verb + " lists 64:\n" + h[1]);
        }
        String probe = cli("probe", "--help")[1];
        for (ConnectFailure.Kind k : ConnectFailure.Kind.values()) {
            assertTrue(probe.lines().anyMatch(l -> l.matches("\\s*" + k.exitCode() + "\\s+.*")), k + " in probe --help");
        }
    }

    @Test
    void noProbeClassClashesWithOcfAndEachIsInTheTable() {
        List<Integer> table = ExitCodes.TABLE.stream().map(ExitCodes.Code::code).toList();
        for (ConnectFailure.Kind k : ConnectFailure.Kind.values()) {
            assertTrue(table.contains(k.exitCode()), k + " -> " + k.exitCode());
            assertFalse(k.exitCode() >= 2 && k.exitCode() <= 9, k + " -> " + k.exitCode() + " means an OCF result");
        }
    }

    @Test
    void aBadCommandLineExits64InEveryVerb() {
        for (String verb : VERBS) {
            String[] r = cli(verb, "--no-such-option");
            assertEquals("64", r[0], verb + ": " + r[2]);
            assertFalse(r[2].contains("Exception"), r[2]);
        }
        assertEquals("64", cli("no-such-verb")[0]);
    }

    @Test
    void theDaemonsRefusalsHaveTheirCodes(@TempDir Path dir) throws Exception {
        AtomicReference<Refusal> reload = new AtomicReference<>();
        try (LibvirtDomainAgent domains = new LibvirtDomainAgent();
             Engine engine = new Engine(Definitions.empty("host1"), ObservedState.EMPTY, Overrides.NONE, List.of(),
                     domains, () -> null, Clock.systemUTC(), s -> { })) {
            Path socket = dir.resolve("guestnode.sock");
            ControlServer server = new ControlServer(socket, engine, reload::get);
            try {
                String s = socket.toString();
                for (String[] args : List.of(new String[] {"disable", "nope"}, new String[] {"enable", "nope"},
                        new String[] {"cleanup", "nope"}, new String[] {"fence", "nope"},
                        new String[] {"maintenance", "on", "nope"})) {
                    String[] r = cli(concat(args, "--socket", s));
                    assertEquals("105", r[0], String.join(" ", args) + ": " + r[2]);
                    assertTrue(r[2].contains("'nope'"), r[2]);
                }
                assertEquals("105", cli("move", "g1", "h2", "--socket", s)[0], "neither a guest node nor a service");
                assertEquals("0", cli("maintenance", "on", "--socket", s)[0]);
                assertEquals("0", cli("reload", "--socket", s)[0]);
                reload.set(Refusal.invalidConfiguration("invalid definitions, the running configuration stays: x"));
                String[] bad = cli("reload", "--socket", s);
                assertEquals("78", bad[0], bad[2]);
                reload.set(Refusal.refused("the definitions changed meanwhile on another host"));
                assertEquals("1", cli("reload", "--socket", s)[0]);
            } finally {
                server.close();
            }
        }
    }

    /** A daemon whose status answer this CLI cannot read (another version, say): an internal error, 70. */
    @Test
    void anAnswerTheCliCannotReadIsAnInternalError(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("other.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread answer = Thread.ofVirtual().start(() -> {
                try (SocketChannel c = server.accept()) {
                    c.read(ByteBuffer.allocate(4096));
                    c.write(ByteBuffer.wrap("{\"ok\":true,\"status\":{\"guests\":\"not a list\"}}\n"
                            .getBytes(StandardCharsets.UTF_8)));
                } catch (java.io.IOException ignored) {
                    // the test fails on the exit code then
                }
            });
            String[] r = cli("status", "--socket", socket.toString());
            answer.join();
            assertEquals("70", r[0], r[2]);
            assertFalse(r[2].contains("\tat "), "no stack trace: " + r[2]);
        }
    }

    @Test
    void checkExits78OnInvalidDefinitionsAndRunRefusesThemWith78(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.xml"), "<configuration><resources><primitive/>");
        assertEquals("78", cli("check", bad.toString())[0]);
        String[] run = cli("run", "--definitions", bad.toString(), "--socket", dir.resolve("s").toString(),
                "--state-dir", dir.resolve("state").toString(), "--node-name", "h1");
        assertEquals("78", run[0], run[2]);
    }

    static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
