package io.guestnode.operator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code guestnode simulate} prints what crm_simulate prints. The expected texts ({@code simulate/vm-failed.summary},
 * {@code .revised}) were printed by crm_simulate of Pacemaker 2.1.5 for the same CIB and time: a guest whose VM
 * failed behind the cluster's back is fenced, its VM, its connection and the service in it recovered.
 */
class SimulateCommandTest {
    static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] full = new String[args.length + 1];
        full[0] = "simulate";
        System.arraycopy(args, 0, full, 1, args.length);
        int code = GuestnodeCli.run(full, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    static Path resource(String name) throws Exception {
        return Path.of(SimulateCommandTest.class.getResource("/simulate/" + name).toURI());
    }

    @Test
    void printsPacemakersTransitionSummaryAndRevisedStatus() throws Exception {
        String[] r = run("-x", resource("vm-failed.xml").toString(), "-t", "2026-06-01T00:00:30Z");
        assertEquals("0", r[0], r[1] + r[2]);
        String out = r[1];
        String summary = out.substring(out.indexOf("Transition Summary:\n") + "Transition Summary:\n".length());
        summary = summary.substring(0, summary.indexOf("\n\n") + 1);
        assertEquals(Files.readString(resource("vm-failed.summary"), StandardCharsets.UTF_8), summary);
        String revised = out.substring(out.indexOf("Revised Cluster Status:"));
        assertEquals(Files.readString(resource("vm-failed.revised"), StandardCharsets.UTF_8), revised);
        assertTrue(out.startsWith("Current cluster status:\n"), out);
        assertTrue(out.contains("    * vm1\t(ocf:pacemaker:Dummy):\t FAILED host1\n"), out);
    }

    @Test
    void badInputIsRefusedNamingTheFileOrOption(@TempDir Path dir) throws Exception {
        String[] missing = run("-x", dir.resolve("nope.xml").toString());
        assertEquals("78", missing[0]);
        assertTrue(missing[2].contains(dir.resolve("nope.xml").toString()), missing[2]);

        Path resources = Files.writeString(dir.resolve("resources.xml"), "<resources/>\n");
        String[] notCib = run("-x", resources.toString());
        assertEquals("78", notCib[0]);
        assertTrue(notCib[2].contains(resources + ":1: root element <resources> is not a <cib>"), notCib[2]);

        Path twoNodes = Files.writeString(dir.resolve("two.xml"), "<cib><configuration><crm_config/><nodes>"
                + "<node id=\"1\" uname=\"a\"/><node id=\"2\" uname=\"b\"/></nodes><resources/><constraints/>"
                + "</configuration><status/></cib>\n");
        String[] two = run("-x", twoNodes.toString());
        assertEquals("78", two[0]);
        assertTrue(two[2].contains("the CIB has 2 cluster nodes (a, b)"), two[2]);

        Path broken = Files.writeString(dir.resolve("broken.xml"), "<cib><configuration>\n");
        assertEquals("78", run("-x", broken.toString())[0]);

        String[] badTime = run("-x", resource("vm-failed.xml").toString(), "-t", "yesterday");
        assertEquals("64", badTime[0]);
        assertTrue(badTime[2].contains("--set-datetime 'yesterday' is not a time"), badTime[2]);

        assertEquals("64", run()[0], "the CIB is required");
        assertTrue(missing[2].lines().noneMatch(l -> l.startsWith("\tat ")), "no stack trace: " + missing[2]);
    }
}
