package io.guestnode.operator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * failed behind the cluster's back is fenced, its VM, its connection and the service in it recovered; a guest whose
 * connection failed while nothing was active in it has its VM restarted ({@code connection-failed}).
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
        String out = simulated("vm-failed", "2026-06-01T00:00:30Z");
        assertTrue(out.startsWith("Current cluster status:\n"), out);
        assertTrue(out.contains("    * vm1\t(ocf:pacemaker:Dummy):\t FAILED host1\n"), out);
    }

    /**
     * guest2's connection failed while nothing was active in it: its VM is restarted (a clean stop and a start) and
     * its connection recovered, as crm_simulate prints it (simulate/connection-failed.summary); no fence.
     */
    @Test
    void aFailedConnectionWithNothingActiveInTheGuestRestartsItsVm() throws Exception {
        String out = simulated("connection-failed", "2026-06-01T01:00:00Z");
        assertFalse(out.contains("Fence"), out);
    }

    /**
     * rsc2's monitor failed with on-fail=block longer ago than its failure-timeout: nothing is done, and it is still
     * shown FAILED (blocked), as crm_simulate shows it (simulate/expired-blocking-failure.revised).
     */
    @Test
    void anExpiredBlockingFailureIsStillShownFailedAndBlocked() throws Exception {
        String out = simulated("expired-blocking-failure", "2026-06-01T01:00:00Z");
        assertTrue(out.contains("      * rsc2\t(ocf:pacemaker:Dummy):\t FAILED guest1 (blocked)\n"), out);
    }

    /**
     * vm1 is disabled: Pacemaker still assigns rsc1 and rsc5 to guest1 and lists their starts as blocked; guestnode
     * lists the same (simulate/blocked-starts.summary), though it carries out nothing there.
     */
    @Test
    void startsThatCannotHappenAreListedAsBlocked() throws Exception {
        String out = simulated("blocked-starts", "2026-06-01T00:00:08Z");
        assertTrue(out.contains("  * Start      rsc5    ( guest1 )  due to unrunnable guest1 start (blocked)\n"),
                out);
    }

    /**
     * rsc5 must start after grp1, whose member rsc4 is disabled: rsc5 stops "due to unrunnable grp1 running", as
     * crm_simulate says (simulate/group-not-running-stop-reason.summary).
     */
    @Test
    void aStopAfterAGroupThatCannotRunNamesTheGroup() throws Exception {
        String out = simulated("group-not-running-stop-reason", "2026-06-01T00:00:18Z");
        assertTrue(out.contains("due to unrunnable grp1 running\n"), out);
    }

    /** A guest node up without a node_state of its own in the status: read as one with nothing in it, probed. */
    @Test
    void aGuestWithoutHistoryIsProbedAndUsed() throws Exception {
        String[] r = run("-x", resource("guest-without-history.xml").toString(), "-t", "2026-06-01T00:00:10Z");
        assertEquals("0", r[0], r[1] + r[2]);
        assertTrue(r[1].contains("  * Start      rsc1    ( guest1 )\n"), r[1]);
    }

    /** Simulates {@code simulate/NAME.xml} at {@code at}; checks its summary and revised status against crm_simulate's. */
    private static String simulated(String name, String at) throws Exception {
        String[] r = run("-x", resource(name + ".xml").toString(), "-t", at);
        assertEquals("0", r[0], r[1] + r[2]);
        String out = r[1];
        String summary = out.substring(out.indexOf("Transition Summary:\n") + "Transition Summary:\n".length(),
                out.indexOf("\nRevised Cluster Status:"));
        assertEquals(Files.readString(resource(name + ".summary"), StandardCharsets.UTF_8), summary);
        String revised = out.substring(out.indexOf("Revised Cluster Status:"));
        assertEquals(Files.readString(resource(name + ".revised"), StandardCharsets.UTF_8), revised);
        return out;
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

        String[] neither = run();
        assertEquals("64", neither[0], neither[2]);
        assertTrue(neither[2].contains("give either --xml-file CIB or --live"), neither[2]);
        String[] both = run("-x", resource("vm-failed.xml").toString(), "--live");
        assertEquals("64", both[0], both[2]);
        String[] liveAt = run("--live", "-t", "2026-06-01T00:00:00Z");
        assertEquals("64", liveAt[0], liveAt[2]);
        assertTrue(liveAt[2].contains("--set-datetime is for --xml-file"), liveAt[2]);
        String[] noDaemon = run("--live", "--socket", dir.resolve("none.sock").toString());
        assertEquals("69", noDaemon[0], noDaemon[2]);
        assertTrue(noDaemon[1].isEmpty(), noDaemon[1]);
        String[] badTime = run("-x", resource("vm-failed.xml").toString(), "-t", "yesterday");
        assertEquals("64", badTime[0]);
        assertTrue(badTime[2].contains("--set-datetime 'yesterday' is not a time"), badTime[2]);

        assertEquals("64", run()[0], "the CIB is required");
        assertTrue(missing[2].lines().noneMatch(l -> l.startsWith("\tat ")), "no stack trace: " + missing[2]);
    }
}
