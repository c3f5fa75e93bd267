package io.guestnode.operator.guests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.agents.domain.DomainAgent;
import io.guestnode.agents.domain.DomainSpec;
import io.guestnode.agents.domain.LibvirtDomainAgent;
import io.guestnode.agents.remote.ConnectFailure;
import io.guestnode.agents.remote.ConnectOptions;
import io.guestnode.agents.remote.Endpoint;
import io.guestnode.agents.remote.RemoteExecutor;
import io.guestnode.agents.remote.RemoteExecutorClient;
import io.guestnode.agents.remote.SessionListener;
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
 * One LXC guest from the built image, rendered from the lxc template, on the isolated network: its
 * pacemaker-remoted answers the project's client over TLS-PSK and runs an agent.
 */
class LxcGuestIT {

    @Test
    void guestBootsAndItsRemotedAnswers(@TempDir Path dir) throws Exception {
        Path keyDir = Files.createDirectory(dir.resolve("keys"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        byte[] key = RemotedSandbox.newKey();
        Path keyFile = Files.write(keyDir.resolve("authkey"), key);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));

        String name = "gn-it-guest-" + ThreadLocalRandom.current().nextInt(1000, 9999);
        String addr = "10.250.254." + ThreadLocalRandom.current().nextInt(2, 250);
        StringWriter xml = new StringWriter();
        int rc = GuestnodeCli.run(new String[] {"template", "lxc", "--name", name, "--addr", addr,
            "--root", GuestImages.lxcRoot().toString(), "--key-dir", keyDir.toString()},
                new PrintWriter(xml, true), new PrintWriter(new StringWriter(), true));
        assertEquals(0, rc);

        DomainSpec spec = new DomainSpec("lxc:///", name, xml.toString(), false);
        try (DomainAgent agent = new LibvirtDomainAgent(); RemoteExecutorClient client = new RemoteExecutorClient()) {
            assertTrue(agent.start(spec, Duration.ofSeconds(30)).isRunning());
            RemoteExecutor session = connectWithin(client, new Endpoint(addr, 3121),
                    AuthKey.ofBytes("guest key", key), Duration.ofSeconds(20));
            try (session) {
                assertEquals("TLS 1.3", session.registration().tls().version());
                assertEquals("1.1", session.registration().remoteProtocolVersion());
                ResourceSpec dummy = new ResourceSpec("guest-dummy", "ocf", "pacemaker", "Dummy");
                session.registerResource(dummy).join();
                ExecResult probe = session.execAndWait(ExecRequest.of(dummy.id(), "monitor", 0, 20_000,
                        new LinkedHashMap<>())).join();
                assertTrue(probe.is(OcfExit.NOT_RUNNING), probe.summary());
                ExecResult start = session.execAndWait(ExecRequest.of(dummy.id(), "start", 0, 20_000,
                        new LinkedHashMap<>())).join();
                assertTrue(start.is(OcfExit.OK), start.summary());
            }
            DomainAgent.StopResult stop = agent.stop(spec, Duration.ofSeconds(20));
            assertEquals("shut down", stop.how(), "the guest's init stops pacemaker-remoted on SIGTERM and exits");
        } finally {
            Shell.run(List.of("virsh", "-c", "lxc:///", "destroy", name));
            Shell.run(List.of("virsh", "-c", "lxc:///", "undefine", name));
        }
    }

    /** Connects, retrying while the guest boots (refused, unreachable), as a connection start does. */
    static RemoteExecutor connectWithin(RemoteExecutorClient client, Endpoint ep, AuthKey key, Duration budget)
            throws Exception {
        long deadline = System.nanoTime() + budget.toNanos();
        ConnectFailure last = null;
        while (System.nanoTime() < deadline) {
            try {
                return client.connect(ep, key, ConnectOptions.defaults().withConnectTimeout(Duration.ofSeconds(2)),
                        SessionListener.NONE);
            } catch (ConnectFailure f) {
                if (!f.kind().retryable()) {
                    throw f;
                }
                last = f;
                Thread.sleep(20);
            }
        }
        throw new AssertionError("guest did not answer within " + budget, last);
    }
}
