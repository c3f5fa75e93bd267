package io.guestnode.operator.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.DefinitionsLoader;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.definitions.VmResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reload that changes what a guest's VM is: the old VM is stopped, verified, before the new one may start. */
class ReplacementsTest {
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    Definitions load(String domain, String hypervisor) throws IOException {
        Path config = dir.resolve(domain + ".xml");
        Files.writeString(config, "<domain type='lxc'><name>" + domain + "</name></domain>");
        Path cib = Files.writeString(dir.resolve("cib-" + domain + ".xml"), """
                <configuration><resources>
                  <primitive id="vm-guest2" class="ocf" provider="heartbeat" type="VirtualDomain">
                    <instance_attributes id="ia">
                      <nvpair id="c" name="config" value="%s"/>
                      <nvpair id="h" name="hypervisor" value="%s"/>
                      <nvpair id="f" name="force_stop" value="true"/>
                    </instance_attributes>
                    <meta_attributes id="m"><nvpair id="rn" name="remote-node" value="guest2"/></meta_attributes>
                  </primitive>
                </resources></configuration>
                """.formatted(config, hypervisor));
        DefinitionsLoader.Result r = new DefinitionsLoader("host1").load(List.of(cib));
        assertTrue(r.ok(), r.problems().toString());
        return r.definitions();
    }

    static ObservedState vm(String id, Observed.VmStatus st) {
        ObservedState.Mutable m = ObservedState.EMPTY.edit();
        m.vms.put(id, new Observed.Vm(st, "", NOW));
        return m.done();
    }

    @Test
    void aRenamedDomainIsStoppedUnderItsOldNameFirst() throws IOException {
        Definitions old = load("guest2", "lxc:///");
        Definitions renamed = load("guest2b", "lxc:///");
        VmResource before = old.vms().get(0);
        VmResource after = renamed.vms().get(0);
        assertTrue(Replacements.identityChange(before, after).orElseThrow().contains("config"));

        ObservedState running = vm("vm-guest2", Observed.VmStatus.RUNNING);
        Definitions working = Replacements.hold(old, Orphans.merge(old, renamed), running);
        VmResource held = working.vm("vm-guest2").orElseThrow();
        assertEquals("guest2", held.domain().domainName(), "the old domain is what the planner sees");
        assertEquals(TargetRole.STOPPED, held.meta().targetRole(), "and it is to stop");
        assertTrue(Replacements.released(working, renamed, running).isEmpty(), "not while it may run");
        assertEquals(List.of("stop vm-guest2 on host1"), Planner.plan(working, connectionDown(running), Overrides.NONE,
                NOW).actions().stream().map(Object::toString).toList());

        ObservedState unknown = vm("vm-guest2", Observed.VmStatus.UNKNOWN);
        assertTrue(Replacements.released(working, renamed, unknown).isEmpty(), "nor while its state is unknown");

        ObservedState stopped = vm("vm-guest2", Observed.VmStatus.STOPPED);
        List<VmResource> released = Replacements.released(working, renamed, stopped);
        assertEquals(List.of(after), released);
        assertEquals("guest2b", Replacements.release(working, released).vm("vm-guest2").orElseThrow().domain()
                .domainName());
    }

    @Test
    void aStoppedVmIsReplacedAtOnce() throws IOException {
        Definitions old = load("guest2", "lxc:///");
        Definitions moved = load("guest2", "qemu:///system");
        assertTrue(Replacements.identityChange(old.vms().get(0), moved.vms().get(0)).orElseThrow()
                .startsWith("hypervisor"));
        Definitions working = Replacements.hold(old, Orphans.merge(old, moved),
                vm("vm-guest2", Observed.VmStatus.STOPPED));
        assertEquals(moved.vms(), working.vms());
    }

    @Test
    void aDomainStillRunByAnotherGuestNodeIsRefused() throws IOException {
        Definitions running = load("guest2", "lxc:///");
        Path cib = Files.writeString(dir.resolve("other.xml"), Files.readString(dir.resolve("cib-guest2.xml"))
                .replace("vm-guest2", "vm-guest3").replace("value=\"guest2\"/>", "value=\"guest3\"/>"));
        Definitions other = new DefinitionsLoader("host1").load(List.of(cib)).definitions();
        String why = Replacements.conflict(running, other).orElseThrow();
        assertTrue(why.contains("belongs to vm-guest2 (guest node guest2)"), why);
    }

    static ObservedState connectionDown(ObservedState s) {
        ObservedState.Mutable m = s.edit();
        m.connections.put("guest2", new Observed.Connection(false, NOW));
        return m.done();
    }
}
