package io.guestnode.agents.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.agents.testing.Shell;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The agent on the real libvirtd LXC driver, with containers that share the host's root. */
class LxcDomainAgentIT {
    static final String URI = "lxc:///";
    static final Duration T = Duration.ofSeconds(30);
    static LibvirtDomainAgent agent;
    static final EventRecorder events = new EventRecorder();
    final List<String> created = new java.util.ArrayList<>();

    @BeforeAll
    static void open() {
        agent = new LibvirtDomainAgent();
        agent.addListener(events);
    }

    @AfterAll
    static void close() {
        agent.close();
    }

    @AfterEach
    void cleanUp() {
        for (String name : created) {
            Shell.run(List.of("virsh", "-c", URI, "destroy", name));
            Shell.run(List.of("virsh", "-c", URI, "undefine", name));
        }
    }

    DomainSpec container(boolean force) {
        String name = "gn-it-" + UUID.randomUUID().toString().substring(0, 8);
        created.add(name);
        String xml = """
                <domain type='lxc'>
                  <name>%s</name>
                  <memory unit='MiB'>64</memory>
                  <os>
                    <type>exe</type>
                    <init>/bin/sh</init>
                    <initarg>-c</initarg>
                    <initarg>trap 'exit 0' TERM; while :; do sleep 0.1; done</initarg>
                  </os>
                  <devices><console type='pty'/></devices>
                </domain>
                """.formatted(name);
        return new DomainSpec(URI, name, xml, force);
    }

    @Test
    void startThenGracefulStop() throws Exception {
        DomainSpec s = container(false);
        assertTrue(agent.start(s, T).isRunning());
        assertEquals("running", agent.monitor(s, T).detail());
        awaitTermHandler(s.name());
        DomainAgent.StopResult r = agent.stop(s, T);
        assertEquals("shut down", r.how(), "the container's init exits on SIGTERM");
        assertEquals(DomainState.Status.STOPPED, agent.monitor(s, T).status());
    }

    @Test
    void forceStopDestroysAtOnce() throws Exception {
        DomainSpec s = container(true);
        agent.start(s, T);
        assertEquals("destroyed", agent.stop(s, T).how());
        assertEquals(DomainState.Status.STOPPED, agent.monitor(s, T).status());
    }

    @Test
    void gracefulStopThatHangsIsEscalatedToDestroy() throws Exception {
        DomainSpec s = container(false);
        String stubborn = s.configXml().replace("trap 'exit 0' TERM; ", "trap '' TERM; ");
        DomainSpec ignoresTerm = new DomainSpec(URI, s.name(), stubborn, false);
        agent.start(ignoresTerm, T);
        DomainAgent.StopResult r = agent.stop(ignoresTerm, Duration.ofSeconds(6));
        assertEquals("destroyed after graceful shutdown timed out", r.how());
        assertTrue(r.elapsed().toMillis() >= 900, "waited for the grace period: " + r.elapsed());
        assertEquals(DomainState.Status.STOPPED, agent.monitor(s, T).status());
    }

    /**
     * libvirt refuses a graceful shutdown of a container whose init it does not know ("operation invalid", as right
     * after a start, or after a restart of libvirtd that lost it) while the container runs. That refusal is not
     * "stopped": the stop asks again until the grace period ends, then destroys the container. The init is made
     * unknown for good here: libvirtd is restarted from a state file without it.
     */
    @Test
    void shutdownRefusedWhileTheContainerRunsIsNotTakenForStopped() throws Exception {
        DomainSpec s = container(false);
        agent.start(s, T);
        awaitTermHandler(s.name());
        int mark = events.mark();
        Shell.check("pkill", "-x", "libvirtd");
        try {
            events.awaitAfter(mark, e -> e.kind() == DomainEvent.Kind.CONNECTION_LOST, 10_000);
            awaitNoLibvirtd();
            Path state = Path.of("/run/libvirt/lxc", s.name() + ".xml");
            String xml = java.nio.file.Files.readString(state);
            assertTrue(xml.contains("<init pid="), xml);
            java.nio.file.Files.writeString(state, xml.replaceAll("\\s*<init pid=[^>]*/>", ""));
        } finally {
            restartLibvirtd();
        }
        events.awaitAfter(mark, e -> e.kind() == DomainEvent.Kind.CONNECTION_RESTORED, 20_000);
        assertEquals(DomainState.Status.RUNNING, agent.monitor(s, T).status());

        DomainAgent.StopResult r = agent.stop(s, Duration.ofSeconds(7));
        assertEquals("destroyed after graceful shutdown timed out", r.how(),
                "libvirt refused every shutdown while the container ran");
        assertTrue(r.elapsed().toMillis() >= 1900, "asked again for the grace period: " + r.elapsed());
        assertEquals(DomainState.Status.STOPPED, agent.monitor(s, T).status());
    }

    @Test
    void destroyBehindTheAgentsBackArrivesAsAnEvent() throws Exception {
        DomainSpec s = container(false);
        agent.start(s, T);
        long t0 = System.nanoTime();
        Shell.check("virsh", "-c", URI, "destroy", s.name());
        long at = events.await(e -> e.domain().equals(s.name()) && e.kind() == DomainEvent.Kind.STOPPED
                && e.detail().equals("DESTROYED"), 10_000);
        long ms = (at - t0) / 1_000_000;
        assertTrue(ms < 1000, "libvirt pushes the event: seen " + ms + " ms after virsh destroy was started");
        assertEquals(DomainState.Status.STOPPED, agent.monitor(s, T).status());
    }

    /** libvirtd goes away while a container runs: no verdict of "stopped", and events resume after. */
    @Test
    void libvirtdRestartedWhileADomainRuns() throws Exception {
        DomainSpec s = container(true);
        agent.start(s, T);
        int mark = events.mark();
        Shell.check("pkill", "-x", "libvirtd");
        events.awaitAfter(mark, e -> e.kind() == DomainEvent.Kind.CONNECTION_LOST, 10_000);
        DomainState during = agent.monitor(s, Duration.ofSeconds(2));
        assertEquals(DomainState.Status.RUNNING, during.status(), during.toString());
        assertNotEquals("libvirt", during.evidence(), "libvirt is gone; the evidence is the emulator process");
        restartLibvirtd();
        events.awaitAfter(mark, e -> e.kind() == DomainEvent.Kind.CONNECTION_RESTORED, 20_000);
        DomainState after = agent.monitor(s, T);
        assertEquals(DomainState.Status.RUNNING, after.status());
        assertEquals("libvirt", after.evidence());
        Shell.check("virsh", "-c", URI, "destroy", s.name());
        events.await(e -> e.domain().equals(s.name()) && e.kind() == DomainEvent.Kind.STOPPED, 10_000);
    }

    /**
     * "Running" in libvirt comes before the container's shell has installed its SIGTERM trap; a PID 1 without a
     * handler ignores SIGTERM. Wait until the init catches it (SigCgt bit 15).
     */
    static void awaitTermHandler(String name) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                String lxc = java.nio.file.Files.readString(Path.of("/run/libvirt/lxc", name + ".pid")).trim();
                String init = Shell.check("pgrep", "-P", lxc).lines().findFirst().orElse("").trim();
                for (String line : java.nio.file.Files.readAllLines(Path.of("/proc", init, "status"))) {
                    if (line.startsWith("SigCgt:") && (Long.parseLong(line.substring(7).trim(), 16) & (1L << 14)) != 0) {
                        return;
                    }
                }
            } catch (Exception notYet) {
                // the container is still coming up
            }
            Thread.sleep(10);
        }
        throw new AssertionError(name + ": the container's init never installed its SIGTERM handler");
    }

    /** libvirtd writes its state files as it exits: edit them only once it is gone. */
    static void awaitNoLibvirtd() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Shell.run(List.of("pgrep", "-x", "libvirtd")).exitCode() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("libvirtd still runs 10 s after SIGTERM");
            }
            Thread.sleep(20);
        }
    }

    static void restartLibvirtd() {
        String root = System.getProperty("guestnode.root", ".");
        Shell.check(Path.of(root, "bin", "setup-host").toString(), "--no-install");
    }
}
