package io.guestnode.operator.guests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.agents.testing.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/setup-host's network step ({@code gn_network_ensure} of bin/lib/network.sh) against real libvirtd, on a
 * scratch network of its own (a bridge without addresses, so it never meets the guestnode network): a network
 * defined before port isolation existed is updated in place, a running guest's port is isolated at once without
 * restarting the network, an idle network is restarted with the new definition, and a second run changes nothing.
 */
class GuestNetworkIT {
    private final int n = ThreadLocalRandom.current().nextInt(1000, 9999);
    private final String net = "gn-it-net" + n;
    private final String bridge = "gn-itb" + n;
    private final String port = "gn-itv" + n;

    @AfterEach
    void cleanUp() {
        Shell.run(List.of("ip", "link", "del", port));
        Shell.run(List.of("virsh", "-c", "lxc:///", "net-destroy", net));
        Shell.run(List.of("virsh", "-c", "lxc:///", "net-undefine", net));
    }

    private String xml(boolean isolated) {
        return "<network><name>" + net + "</name><bridge name='" + bridge + "' stp='off' delay='0'/>"
                + "<dns enable='no'/>" + (isolated ? "<port isolated='yes'/>" : "") + "</network>";
    }

    private static String ensure(String name, Path file) {
        Path root = Path.of(System.getProperty("guestnode.root", ".")).toAbsolutePath();
        Shell.Result r = Shell.run(List.of("bash", "-c", ". \"$1/bin/lib/common.sh\"; . \"$1/bin/lib/network.sh\"; "
                + "did() { echo \"done: $*\"; }; ok() { echo \"ok: $*\"; }; gn_network_ensure \"$2\" \"$3\"", "ensure",
                root.toString(), name, file.toString()));
        assertEquals(0, r.exitCode(), r.output());
        return r.output();
    }

    private String dump(String... flags) {
        List<String> c = new java.util.ArrayList<>(List.of("virsh", "-c", "lxc:///", "net-dumpxml", net));
        c.addAll(List.of(flags));
        return Shell.check(c.toArray(String[]::new));
    }

    @Test
    void anExistingNetworkIsUpdatedAndItsGuestsPortsIsolated(@TempDir Path dir) throws Exception {
        Path old = Files.writeString(dir.resolve("old.xml"), xml(false));
        Shell.check("virsh", "-c", "lxc:///", "net-define", old.toString());
        Shell.check("virsh", "-c", "lxc:///", "net-start", net);
        String uuid = Shell.check("virsh", "-c", "lxc:///", "net-uuid", net).trim();
        // a running guest's interface on the bridge
        Shell.check("ip", "link", "add", port, "type", "veth", "peer", "name", port + "p");
        Shell.check("ip", "link", "set", port, "master", bridge, "up");
        Path unused = dir.resolve("not-read.xml");

        String first = ensure(net, unused);
        assertTrue(first.contains("done: updated the libvirt network '" + net + "'"), first);
        assertTrue(first.contains("done: isolated the 1 port(s) of bridge " + bridge), first);
        assertTrue(dump("--inactive").contains("<port isolated='yes'/>"), dump("--inactive"));
        assertEquals(uuid, Shell.check("virsh", "-c", "lxc:///", "net-uuid", net).trim(), "the same network");
        assertFalse(dump().contains("<port isolated"), "the running network was not restarted under its guest");
        String link = Shell.check("bridge", "-d", "link", "show", "dev", port);
        assertTrue(link.contains("master " + bridge) && link.contains("isolated on"), link);

        Shell.check("ip", "link", "del", port);
        String second = ensure(net, unused);
        assertTrue(second.contains("ok: libvirt network '" + net + "' isolates the guests' ports"), second);
        assertTrue(second.contains("done: restarted the libvirt network '" + net + "' (no guest attached)"), second);
        assertTrue(dump().contains("<port isolated='yes'/>"), dump());

        String third = ensure(net, unused);
        assertFalse(third.contains("done:"), "a second run changes nothing: " + third);
    }

    @Test
    void aMissingNetworkIsDefinedFromTheFileAndStarted(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("net.xml"), xml(true));
        String out = ensure(net, file);
        assertTrue(out.contains("done: defined the isolated libvirt network '" + net + "'"), out);
        assertTrue(out.contains("done: started the libvirt network '" + net + "'"), out);
        assertTrue(dump().contains("<port isolated='yes'/>"), dump());
        assertFalse(ensure(net, file).contains("done:"));
    }
}
