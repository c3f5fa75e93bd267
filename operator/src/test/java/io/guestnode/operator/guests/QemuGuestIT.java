package io.guestnode.operator.guests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.agents.domain.DomainAgent;
import io.guestnode.agents.domain.DomainSpec;
import io.guestnode.agents.domain.LibvirtDomainAgent;
import io.guestnode.agents.remote.Endpoint;
import io.guestnode.agents.remote.RemoteExecutor;
import io.guestnode.agents.remote.RemoteExecutorClient;
import io.guestnode.agents.remote.message.ExecRequest;
import io.guestnode.agents.remote.message.ExecResult;
import io.guestnode.agents.remote.message.OcfExit;
import io.guestnode.agents.remote.message.ResourceSpec;
import io.guestnode.agents.remote.tls.AuthKey;
import io.guestnode.agents.testing.RemotedSandbox;
import io.guestnode.agents.testing.Shell;
import io.guestnode.operator.cli.GuestnodeCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One QEMU (TCG) guest booted from the built kernel, initramfs and a qcow2 overlay of the root disk; the key
 * arrives through fw_cfg. Slow (an emulated boot), so it runs in the Maven profile {@code qemu}, which CI uses.
 */
class QemuGuestIT {

    @Test
    void qemuGuestBootsAndItsRemotedAnswers(@TempDir Path dir) throws Exception {
        Path images = GuestImages.dir();
        Path base = images.resolve("qemu/root.qcow2");
        if (!Files.exists(base)) {
            throw new IllegalStateException("no QEMU image at " + base + "; run vm-images/build --qemu (bin/test -Pqemu does)");
        }
        String name = "gn-it-qemu-" + ThreadLocalRandom.current().nextInt(1000, 9999);
        String addr = "10.250.253." + ThreadLocalRandom.current().nextInt(2, 250);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Path disk = dir.resolve(name + ".qcow2");
        Shell.check("qemu-img", "create", "-q", "-f", "qcow2", "-b", base.toString(), "-F", "qcow2", disk.toString());
        byte[] key = RemotedSandbox.newKey();
        Path keyFile = Files.write(dir.resolve(name + ".authkey"), key);
        // only the guest's emulator (QEMU runs as libvirt-qemu) may read the key it hands to the guest
        Shell.check("chown", "libvirt-qemu:libvirt-qemu", keyFile.toString(), disk.toString());
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("r--------"));

        StringWriter xml = new StringWriter();
        int rc = GuestnodeCli.run(new String[] {"template", "qemu", "--name", name, "--addr", addr, "--images",
            images.toString(), "--disk", disk.toString(), "--key", keyFile.toString(), "--memory", "256"},
                new PrintWriter(xml, true), new PrintWriter(new StringWriter(), true));
        assertEquals(0, rc);
        DomainSpec spec = new DomainSpec("qemu:///system", name, xml.toString(), true);
        try (DomainAgent agent = new LibvirtDomainAgent(); RemoteExecutorClient client = new RemoteExecutorClient()) {
            assertTrue(agent.start(spec, Duration.ofSeconds(120)).isRunning());
            String tap = Shell.check("virsh", "-c", "qemu:///system", "domiflist", name).lines()
                    .filter(l -> l.contains("guestnode")).findFirst().orElseThrow().trim().split("\\s+")[0];
            String port = Shell.check("bridge", "-d", "link", "show", "dev", tap);
            assertTrue(port.contains("isolated on"), "the guest's tap reaches the host only: " + port);
            try (RemoteExecutor s = LxcGuestIT.connectWithin(client, new Endpoint(addr, 3121),
                    AuthKey.ofBytes("guest key", key), Duration.ofSeconds(180))) {
                assertEquals("TLS 1.3", s.registration().tls().version());
                ResourceSpec dummy = new ResourceSpec("vm-dummy", "ocf", "pacemaker", "Dummy");
                s.registerResource(dummy).join();
                ExecResult start = s.execAndWait(ExecRequest.of(dummy.id(), "start", 0, 60_000,
                        new LinkedHashMap<>())).join();
                assertTrue(start.is(OcfExit.OK), start.summary());
            }
            assertEquals("destroyed", agent.stop(spec, Duration.ofSeconds(60)).how());
        } finally {
            Shell.run(List.of("virsh", "-c", "qemu:///system", "destroy", name));
            Shell.run(List.of("virsh", "-c", "qemu:///system", "undefine", name));
        }
    }
}
