package io.guestnode.agents.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent on libvirt's in-process test driver: fast, no daemon. */
class LibvirtDomainAgentTest {
    static final String URI = "test:///default";
    static final Duration T = Duration.ofSeconds(10);
    static LibvirtDomainAgent agent;
    static EventRecorder events = new EventRecorder();

    @BeforeAll
    static void open() {
        agent = new LibvirtDomainAgent();
        agent.addListener(events);
    }

    @AfterAll
    static void close() {
        agent.close();
    }

    static DomainSpec spec(String name, boolean force) {
        String xml = "<domain type='test'><name>" + name + "</name><memory unit='MiB'>64</memory>"
                + "<os><type>hvm</type></os></domain>";
        return new DomainSpec(URI, name, xml, force);
    }

    static String unique() {
        return "gn-unit-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void startDefinesAndRunsThenAdopts() throws Exception {
        DomainSpec s = spec(unique(), false);
        assertEquals(DomainState.Status.STOPPED, agent.monitor(s, T).status(), "not defined yet");
        assertTrue(agent.start(s, T).isRunning());
        assertTrue(agent.monitor(s, T).isRunning());
        assertTrue(agent.start(s, T).isRunning(), "a running domain is adopted");
        events.await(e -> e.domain().equals(s.name()) && e.kind() == DomainEvent.Kind.STARTED, 5000);
        assertEquals("shut down", agent.stop(s, T).how());
    }

    /** A defined, stopped domain is started again from a config without <uuid> (the usual template). */
    @Test
    void startsAgainAfterAStop() throws Exception {
        DomainSpec s = spec(unique(), true);
        agent.start(s, T);
        agent.stop(s, T);
        assertTrue(agent.start(s, T).isRunning(), "second start of a defined domain");
        agent.stop(s, T);
        assertEquals("<domain><name>x</name>\n  <uuid>u-1</uuid></domain>",
                LibvirtDomains.withUuid("<domain><name>x</name></domain>", "u-1"));
    }

    @Test
    void gracefulStopThenAlreadyStopped() throws Exception {
        DomainSpec s = spec(unique(), false);
        agent.start(s, T);
        DomainAgent.StopResult r = agent.stop(s, T);
        assertEquals("shut down", r.how());
        assertEquals(DomainState.stopped("shut off: SHUTDOWN"), agent.monitor(s, T), "libvirt's reason is read");
        assertEquals("already stopped", agent.stop(s, T).how());
        events.await(e -> e.domain().equals(s.name()) && e.kind() == DomainEvent.Kind.STOPPED, 5000);
    }

    @Test
    void forceStopDestroysAndIsSeenAsEvent() throws Exception {
        DomainSpec s = spec(unique(), true);
        agent.start(s, T);
        assertEquals("destroyed", agent.stop(s, T).how());
        events.await(e -> e.domain().equals(s.name()) && e.kind() == DomainEvent.Kind.STOPPED
                && e.detail().equals("DESTROYED"), 5000);
        assertEquals(DomainState.stopped("shut off: DESTROYED"), agent.monitor(s, T),
                "a check tells a destroyed domain as the event does");
        assertEquals("already stopped", agent.destroy(s, T).how());
    }

    @Test
    void stopOfAnUnknownDomainSucceeds() throws Exception {
        assertEquals("already stopped", agent.stop(spec(unique(), false), T).how());
        assertEquals("already stopped", agent.destroy(spec(unique(), true), T).how());
    }

    @Test
    void invalidXmlIsReportedAsSuch() {
        DomainSpec bad = new DomainSpec(URI, "gn-bad", "<domain type='test'><name>gn-bad</name></dom", false);
        DomainException e = assertThrows(DomainException.class, () -> agent.start(bad, T));
        assertEquals(DomainException.Kind.INVALID_CONFIG, e.kind());
        assertTrue(e.getMessage().contains("gn-bad"), e.getMessage());
    }

    /**
     * libvirtd unreachable: a running emulator is evidence that the domain runs; its absence proves nothing (the
     * process table may be another namespace's, the emulator may be renamed), so it stays UNKNOWN, never STOPPED.
     */
    @Test
    void unreachableLibvirtFallsBackToProcessEvidence(@TempDir Path proc) throws Exception {
        Path pid = Files.createDirectories(proc.resolve("4242"));
        Files.write(pid.resolve("cmdline"), String.join("\0", List.of("/usr/lib/libvirt/libvirt_lxc", "--name",
                "guest1", "--console", "28")).getBytes(StandardCharsets.UTF_8));
        String dead = "lxc+unix:///system?socket=" + proc.resolve("no-such.sock");
        try (LibvirtDomainAgent isolated = new LibvirtDomainAgent(2, Clock.systemUTC(), proc)) {
            DomainState running = isolated.monitor(new DomainSpec(dead, "guest1", "<domain/>", true), T);
            assertEquals(DomainState.Status.RUNNING, running.status());
            assertEquals("emulator process 4242", running.evidence());
            DomainState gone = isolated.monitor(new DomainSpec(dead, "guest2", "<domain/>", true), T);
            assertEquals(DomainState.Status.UNKNOWN, gone.status(), "absence of evidence is not a stop");
            assertEquals("no emulator process found", gone.evidence());
            DomainException e = assertThrows(DomainException.class,
                    () -> isolated.start(new DomainSpec(dead, "guest1", "<domain/>", true), T));
            assertEquals(DomainException.Kind.UNAVAILABLE, e.kind());
        }
        try (LibvirtDomainAgent blind = new LibvirtDomainAgent(2, Clock.systemUTC(), proc.resolve("absent"))) {
            DomainState unknown = blind.monitor(new DomainSpec(dead, "guest1", "<domain/>", true), T);
            assertEquals(DomainState.Status.UNKNOWN, unknown.status(), "no libvirt, no process table: unknown");
        }
    }

    /**
     * Calls stuck in libvirt (here: a libvirt server that accepts and never answers) fill the agent's pool; a fence
     * of another domain must not wait behind them.
     */
    @Test
    void stuckCallsDoNotDelayAFence(@TempDir Path tmp) throws Exception {
        Path sock = tmp.resolve("silent.sock");
        try (var silent = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
             LibvirtDomainAgent small = new LibvirtDomainAgent(2, Clock.systemUTC(), tmp)) {
            silent.bind(java.net.UnixDomainSocketAddress.of(sock));
            List<java.nio.channels.SocketChannel> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (java.io.IOException e) {
                    // closed at the end of the test
                }
            });
            DomainSpec victim = spec(unique(), true);
            assertTrue(small.start(victim, T).isRunning());
            String hung = "test+unix:///default?socket=" + sock;
            for (int i = 0; i < 2; i++) {
                DomainState s = small.monitor(new DomainSpec(hung, "stuck" + i, "<domain/>", true), Duration.ofMillis(300));
                assertEquals(DomainState.Status.UNKNOWN, s.status(), "a silent libvirt is no verdict");
            }
            long t0 = System.nanoTime();
            assertEquals("destroyed", small.destroy(victim, Duration.ofSeconds(5)).how());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 4000, "the fence did not queue behind the stuck calls: " + ms + " ms");
            for (var c : held) {
                c.close();
            }
        }
    }

    @Test
    void emulatorCommandLines() {
        assertTrue(EmulatorProcesses.matches(List.of("/usr/lib/libvirt/libvirt_lxc", "--name", "g1"), "g1"));
        assertFalse(EmulatorProcesses.matches(List.of("/usr/lib/libvirt/libvirt_lxc", "--name", "g10"), "g1"));
        assertTrue(EmulatorProcesses.matches(List.of("/usr/bin/qemu-system-x86_64", "-name",
                "guest=g1,debug-threads=on"), "g1"));
        assertTrue(EmulatorProcesses.matches(List.of("qemu-kvm", "-name", "g1"), "g1"));
        assertFalse(EmulatorProcesses.matches(List.of("/bin/bash", "--name", "g1"), "g1"));
    }
}
