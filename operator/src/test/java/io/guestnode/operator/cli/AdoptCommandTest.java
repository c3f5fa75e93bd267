package io.guestnode.operator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.operator.state.StateStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code guestnode adopt} on CIBs and a made-up /proc: what it writes (the CIB as the definitions, its fail counts
 * as the state) and everything it refuses, each refusal naming why and writing nothing. The takeover of a running
 * Pacemaker cluster is PacemakerAdoptionIT.
 */
class AdoptCommandTest {
    @TempDir
    Path dir;

    /** A CIB of one node, host1: guest1 (a VirtualDomain over {@code config}) with dummy1 running in it, failed once. */
    Path cib(String vmAgent) throws Exception {
        Path config = dir.resolve("guest1.xml");
        Files.writeString(config, "<domain type='lxc'><name>gn-guest1</name></domain>");
        String cib = """
                <cib validate-with="pacemaker-3.9" epoch="1" num_updates="1" admin_epoch="0">
                  <configuration>
                    <crm_config><cluster_property_set id="o">
                      <nvpair id="o-m" name="maintenance-mode" value="true"/>
                    </cluster_property_set></crm_config>
                    <nodes><node id="1" uname="host1"/></nodes>
                    <resources>
                      <primitive id="vm1" class="ocf" provider="%s" type="%s">
                        <instance_attributes id="vm1-ia">
                          <nvpair id="vm1-c" name="config" value="%s"/>
                          <nvpair id="vm1-h" name="hypervisor" value="lxc:///"/>
                        </instance_attributes>
                        <meta_attributes id="vm1-m"><nvpair id="vm1-rn" name="remote-node" value="guest1"/></meta_attributes>
                      </primitive>
                      <primitive id="dummy1" class="ocf" provider="pacemaker" type="Dummy"/>
                    </resources>
                    <constraints/>
                  </configuration>
                  <status>
                    <node_state id="1" uname="host1" in_ccm="true" crmd="online" join="member" expected="member">
                      <lrm id="1"><lrm_resources>
                        <lrm_resource id="vm1" class="ocf" provider="heartbeat" type="VirtualDomain">
                          <lrm_rsc_op id="vm1_last_0" operation="start" call-id="2" rc-code="0" op-status="0" interval="0" last-rc-change="1780272000"/>
                        </lrm_resource>
                        <lrm_resource id="guest1" class="ocf" provider="pacemaker" type="remote">
                          <lrm_rsc_op id="guest1_last_0" operation="start" call-id="3" rc-code="0" op-status="0" interval="0" last-rc-change="1780272000"/>
                        </lrm_resource>
                      </lrm_resources></lrm>
                    </node_state>
                    <node_state id="guest1" uname="guest1" remote_node="true" in_ccm="true" crmd="online">
                      <transient_attributes id="guest1"><instance_attributes id="status-guest1">
                        <nvpair id="f1" name="fail-count-dummy1#monitor_10000" value="1"/>
                        <nvpair id="f2" name="last-failure-dummy1#monitor_10000" value="1780272000"/>
                      </instance_attributes></transient_attributes>
                      <lrm id="guest1"><lrm_resources>
                        <lrm_resource id="dummy1" class="ocf" provider="pacemaker" type="Dummy">
                          <lrm_rsc_op id="dummy1_last_0" operation="start" call-id="5" rc-code="0" op-status="0" interval="0" last-rc-change="1780272000"/>
                        </lrm_resource>
                      </lrm_resources></lrm>
                    </node_state>
                  </status>
                </cib>
                """.formatted(vmAgent.equals("VirtualDomain") ? "heartbeat" : "pacemaker", vmAgent, config);
        Path f = dir.resolve("cib.xml");
        Files.writeString(f, cib);
        return f;
    }

    /** A /proc with one process of {@code comm}. */
    Path proc(String comm) throws Exception {
        Path p = Files.createDirectories(dir.resolve("proc-" + comm).resolve("4242"));
        Files.writeString(p.resolve("comm"), comm + "\n");
        return p.getParent();
    }

    String[] adopt(Path proc, String... args) {
        AdoptCommand cmd = new AdoptCommand();
        cmd.proc = proc;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = new CommandLine(cmd).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
        return new String[] {Integer.toString(rc), out.toString(), err.toString()};
    }

    @Test
    void writesTheCibAsDefinitionsAndItsFailCountsAsState() throws Exception {
        Path cib = cib("VirtualDomain");
        Path defs = dir.resolve("defs");
        Path state = dir.resolve("state");
        String[] r = adopt(proc("bash"), "--cib", cib.toString(), "--definitions", defs.toString(), "--state-dir",
                state.toString());
        assertEquals("0", r[0], r[1] + r[2]);
        assertEquals(Files.readString(cib), Files.readString(defs.resolve("pacemaker-cib.xml")));
        assertTrue(r[1].contains("dummy1 on guest1") && r[1].contains("next: guestnode run --definitions " + defs),
                r[1]);
        var loaded = new StateStore(state).load();
        assertEquals(1, loaded.state().failure("dummy1", "guest1").orElseThrow().count(), loaded.toString());
    }

    @Test
    void refusedWhilePacemakerRunsOutOfMaintenance() throws Exception {
        Path cib = cib("VirtualDomain");
        Files.writeString(cib, Files.readString(cib).replace("value=\"true\"", "value=\"false\""));
        Path defs = dir.resolve("defs");
        String[] r = adopt(proc("pacemaker-contr"), "--cib", cib.toString(), "--definitions", defs.toString(),
                "--state-dir", dir.resolve("state").toString());
        assertEquals("1", r[0], r[1] + r[2]);
        assertTrue(r[2].contains("Pacemaker runs on this host (pacemaker-controld (pid 4242))")
                && r[2].contains("not in maintenance mode"), r[2]);
        assertFalse(Files.exists(defs) || Files.exists(dir.resolve("state")));
        // the same CIB once Pacemaker is stopped
        assertEquals("0", adopt(proc("bash"), "--cib", cib.toString(), "--definitions", defs.toString(),
                "--state-dir", dir.resolve("state").toString())[0]);
    }

    @Test
    void inMaintenanceWhilePacemakerRunsItSaysToStopPacemaker() throws Exception {
        String[] r = adopt(proc("pacemakerd"), "--cib", cib("VirtualDomain").toString(), "--definitions",
                dir.resolve("defs").toString(), "--state-dir", dir.resolve("state").toString());
        assertEquals("0", r[0], r[1] + r[2]);
        assertTrue(r[1].contains("Pacemaker still runs on this host (pacemakerd (pid 4242)): stop it"), r[1]);
    }

    @Test
    void refusesWhatItCannotDriveAnotherNodeAndWhatExists() throws Exception {
        Path defs = dir.resolve("defs");
        Path state = dir.resolve("state");
        String[] dummyVm = adopt(proc("bash"), "--cib", cib("Dummy").toString(), "--definitions", defs.toString(),
                "--state-dir", state.toString());
        assertEquals("78", dummyVm[0], dummyVm[1] + dummyVm[2]);
        assertTrue(dummyVm[2].contains("vm1") && dummyVm[2].contains("nothing was written"), dummyVm[2]);
        assertFalse(Files.exists(defs) || Files.exists(state));

        Path cib = cib("VirtualDomain");
        String[] other = adopt(proc("bash"), "--cib", cib.toString(), "--definitions", defs.toString(),
                "--state-dir", state.toString(), "--node-name", "host2");
        assertEquals("1", other[0]);
        assertTrue(other[2].contains("--node-name host2 is not the CIB's cluster node host1"), other[2]);

        Files.createDirectories(state);
        Files.writeString(state.resolve("state.json"), "{}");
        String[] existing = adopt(proc("bash"), "--cib", cib.toString(), "--definitions", defs.toString(),
                "--state-dir", state.toString());
        assertEquals("1", existing[0]);
        assertTrue(existing[2].contains("state.json exists already"), existing[2]);
        assertFalse(Files.exists(defs));

        // the definitions directory has vm1 already: loaded together, the two clash
        Path busy = Files.createDirectories(dir.resolve("busy"));
        Files.copy(cib, busy.resolve("guests.xml"));
        String[] clash = adopt(proc("bash"), "--cib", cib.toString(), "--definitions", busy.toString(),
                "--state-dir", dir.resolve("state4").toString());
        assertEquals("78", clash[0], clash[1] + clash[2]);
        assertTrue(clash[2].contains("vm1") && clash[2].contains("alone or with the definitions in " + busy),
                clash[2]);
        assertFalse(Files.exists(busy.resolve("pacemaker-cib.xml")) || Files.exists(dir.resolve("state4")));

        Path file = dir.resolve("a-file");
        Files.writeString(file, "");
        String[] notADirectory = adopt(proc("bash"), "--cib", cib.toString(), "--definitions", file.toString(),
                "--state-dir", dir.resolve("state2").toString());
        assertEquals("1", notADirectory[0]);
        assertTrue(notADirectory[2].contains(file + " is not a directory"), notADirectory[2]);
        assertFalse(Files.exists(dir.resolve("state2")));

        // the state cannot be written (its directory is a file inside): the definitions written are taken back
        Files.createDirectories(dir.resolve("state3"));
        Files.createDirectories(dir.resolve("state3").resolve("state.json.tmp"));
        String[] unwritable = adopt(proc("bash"), "--cib", cib.toString(), "--definitions", defs.toString(),
                "--state-dir", dir.resolve("state3").toString());
        assertEquals("1", unwritable[0], unwritable[1] + unwritable[2]);
        assertTrue(unwritable[2].contains("nothing was written"), unwritable[2]);
        assertFalse(Files.exists(defs.resolve("pacemaker-cib.xml")));

        String[] missing = adopt(proc("bash"), "--cib", dir.resolve("none.xml").toString());
        assertEquals("78", missing[0]);
        assertTrue(missing[2].contains("none.xml"), missing[2]);
    }
}
