package io.guestnode.operator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class HostDefaultsTest {
    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        Path f = dir.resolve("guestnode");
        Files.writeString(f, text);
        return f;
    }

    /** Parses {@code args} with the host's defaults from {@code file} and {@code env}; returns the verb's object. */
    private static Object parse(Path file, Map<String, String> env, String... args) throws Exception {
        CommandLine cl = new CommandLine(new GuestnodeCli());
        cl.setDefaultValueProvider(HostDefaults.load(file, env,
                HostDefaults.keysOf(cl.getSubcommands().get("run").getCommandSpec())));
        return cl.parseArgs(args).subcommand().commandSpec().userObject();
    }

    private record Outcome(int code, String err) {
    }

    private static Outcome cli(Path file, Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GuestnodeCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), file, env);
        return new Outcome(code, err.toString());
    }

    /** Debian's shell syntax: comments, export, plain and quoted values; other programs' variables are left alone. */
    @Test
    void theFileSetsTheDaemonsOptions() throws Exception {
        Path f = file("""
                # guestnode's host defaults
                GUESTNODE_ZOOKEEPER="10.0.0.1:2181,10.0.0.2:2181,10.0.0.3:2181"
                export GUESTNODE_NODE_NAME=hv1   # this host
                GUESTNODE_FENCE_DELAY='8s'
                GUESTNODE_WATCHDOG=/dev/watchdog
                GUESTNODE_JAVA_OPTS="-Xmx256m"
                PCMK_logfacility=daemon

                GUESTNODE_CLUSTER=
                """);
        RunCommand run = (RunCommand) parse(f, Map.of(), "run");
        assertEquals("10.0.0.1:2181,10.0.0.2:2181,10.0.0.3:2181", run.cluster.zookeeper);
        assertEquals("hv1", run.nodeName);
        assertEquals(Duration.ofSeconds(8), run.cluster.fenceDelay);
        assertEquals(Path.of("/dev/watchdog"), run.cluster.watchdogDevice);
        assertEquals("default", run.cluster.cluster, "an empty value is no value");
        assertNull(run.cluster.sessionTimeout);
    }

    /** The command line wins over the environment, the environment over the file; the verbs share what they share. */
    @Test
    void commandLineThenEnvironmentThenFile() throws Exception {
        Path f = file("GUESTNODE_NODE_NAME=from-file\nGUESTNODE_SOCKET=/run/x/file.sock\nGUESTNODE_TIMING=fast\n");
        Map<String, String> env = Map.of("GUESTNODE_NODE_NAME", "from-env", "GUESTNODE_TIMING", "");
        RunCommand run = (RunCommand) parse(f, env, "run");
        assertEquals("from-env", run.nodeName);
        assertEquals("default", run.cluster.timing, "an empty environment variable unsets the file's value");
        assertEquals("from-cli", ((RunCommand) parse(f, env, "run", "--node-name", "from-cli")).nodeName);
        assertEquals(Path.of("/run/x/file.sock"), ((StatusCommand) parse(f, env, "status")).socket);
        assertEquals(Path.of("/run/guestnode/guestnode.sock"),
                ((StatusCommand) parse(dir.resolve("absent"), Map.of(), "status")).socket, "no file, no defaults");
    }

    /** Every fault names the file, the line and the key, and the verb does not run. */
    @Test
    void faultsNameFileLineAndKey() throws Exception {
        String[][] cases = {
            {"GUESTNODE_ZOOKEPER=zk1:2181\n", "line 1: GUESTNODE_ZOOKEPER is no option of guestnode run (known: "},
            {"# ok\nGUESTNODE_ZOOKEEPER=\"zk1:2181\n", "line 2: GUESTNODE_ZOOKEEPER: the quote \" is not closed"},
            {"GUESTNODE_NODE_NAME=\"$(hostname)\"\n", "line 1: GUESTNODE_NODE_NAME: guestnode does not expand"},
            {"GUESTNODE_NODE_NAME=$HOST\n", "line 1: GUESTNODE_NODE_NAME: unexpected '$HOST'"},
            {"GUESTNODE_NODE_NAME=a b\n", "line 1: GUESTNODE_NODE_NAME: unexpected 'b' after the value"},
            {"zookeeper: zk1\n", "line 1: expected NAME=VALUE, found 'zookeeper: zk1'"},
        };
        for (String[] c : cases) {
            Path f = file(c[0]);
            Outcome o = cli(f, Map.of(), "status", "--socket", dir.resolve("no.sock").toString());
            assertEquals(ExitCodes.CONFIG, o.code(), c[0] + " -> " + o);
            assertTrue(o.err().startsWith("guestnode: " + f + " " + c[1]), c[0] + " -> " + o.err());
            assertTrue(!o.err().contains("Exception") && !o.err().contains("\tat "), o.err());
        }
    }

    /** A value the option cannot take is refused with where it came from; one given on the command line is a usage error. */
    @Test
    void aBadValueNamesWhereItCameFrom() throws Exception {
        Path f = file("\nGUESTNODE_FENCE_DELAY=soon\n");
        Outcome o = cli(f, Map.of(), "run", "--definitions", dir.resolve("none").toString());
        assertEquals(ExitCodes.CONFIG, o.code(), o.toString());
        assertTrue(o.err().contains("--fence-delay") && o.err().contains("(from " + f + " line 2)"), o.err());
        Outcome env = cli(dir.resolve("absent"), Map.of("GUESTNODE_NODE_ACTION_LIMIT", "many"), "run");
        assertEquals(ExitCodes.CONFIG, env.code(), env.toString());
        assertTrue(env.err().contains("(from environment variable GUESTNODE_NODE_ACTION_LIMIT)"), env.err());
        Outcome cli = cli(dir.resolve("absent"), Map.of(), "run", "--fence-delay", "soon");
        assertEquals(ExitCodes.USAGE, cli.code(), cli.toString());
        assertTrue(!cli.err().contains("(from "), cli.err());
    }
}
