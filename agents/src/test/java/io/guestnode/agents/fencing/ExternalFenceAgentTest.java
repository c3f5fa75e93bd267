package io.guestnode.agents.fencing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fence agent run as fence-agents are run: arguments on standard input, action and plug last, exit code 0 for
 * "off"; a failing or hung agent proves nothing; a broken arguments file is refused naming its line.
 */
class ExternalFenceAgentTest {
    @TempDir
    Path dir;

    private Path agent(String body) throws Exception {
        Path p = Files.writeString(dir.resolve("fence_test"), "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    @Test
    void theAgentReadsEveryHostsArgumentsThenItsHostsThenActionAndPlug() throws Exception {
        Path stdin = dir.resolve("stdin");
        Path config = Files.writeString(dir.resolve("fence.conf"), """
                # every host's board
                username = admin
                password=s3cret=x
                [h2]
                ip=10.77.0.252
                [h3]
                ip=10.77.0.253
                username=root
                """);
        ExternalFenceAgent a = ExternalFenceAgent.of(agent("cat > " + stdin + "; echo 'Success: Powered OFF'"),
                config);
        assertEquals(List.of("h2", "h3"), a.fenceable());
        assertEquals(List.of("username", "password", "ip"), a.argumentNames("h3"));
        HostFenceAgent.Result r = a.off("h2", Duration.ofSeconds(10));
        assertTrue(r.off(), r.toString());
        assertTrue(r.detail().contains("exit 0: Success: Powered OFF"), r.detail());
        assertEquals(List.of("username=admin", "password=s3cret=x", "ip=10.77.0.252", "action=off", "plug=h2",
                "nodename=h2"), Files.readAllLines(stdin));
        assertTrue(a.off("h3", Duration.ofSeconds(10)).off());
        assertEquals(List.of("username=root", "password=s3cret=x", "ip=10.77.0.253", "action=off", "plug=h3",
                "nodename=h3"), Files.readAllLines(stdin), "a host's own arguments win");
    }

    /** One board's arguments are never used against another host; what the agent says never shows a value. */
    @Test
    void aHostWithoutItsOwnSectionIsNeverFencedAndValuesAreMasked() throws Exception {
        Path ran = dir.resolve("ran");
        Path config = Files.writeString(dir.resolve("fence.conf"), "password=s3cret\n[h2]\nip=10.77.0.252\n");
        ExternalFenceAgent a = ExternalFenceAgent.of(agent("touch " + ran + "; cat; exit 1"), config);
        HostFenceAgent.Result h9 = a.off("h9", Duration.ofSeconds(10));
        assertFalse(h9.off());
        assertTrue(h9.detail().contains("no [h9] section"), h9.detail());
        assertFalse(Files.exists(ran), "the agent did not run for h9");
        HostFenceAgent.Result echoed = a.off("h2", Duration.ofSeconds(10));
        assertFalse(echoed.off());
        assertTrue(echoed.detail().contains("password=*** ip=*** action=off plug=h2"), echoed.detail());
        assertFalse(echoed.detail().contains("s3cret") || echoed.detail().contains("10.77.0.252"), echoed.detail());
    }

    @Test
    void aFailingOrHungAgentProvesNothing() throws Exception {
        Path config = Files.writeString(dir.resolve("fence.conf"), "[h2]\nip=10.77.0.252\n");
        HostFenceAgent.Result failed = ExternalFenceAgent.of(agent("cat >/dev/null; echo 'Failed: Unable to obtain "
                + "correct plug status'; exit 1"), config).off("h2", Duration.ofSeconds(10));
        assertFalse(failed.off());
        assertTrue(failed.detail().contains("exit 1: Failed: Unable to obtain correct plug status"), failed.detail());
        Path pid = dir.resolve("pid");
        long t0 = System.nanoTime();
        HostFenceAgent.Result hung = ExternalFenceAgent.of(agent("echo $$ > " + pid + "; exec sleep 60"), config)
                .off("h2", Duration.ofMillis(500));
        assertFalse(hung.off());
        assertTrue(hung.detail().contains("did not answer within 500 ms"), hung.detail());
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "not waited for");
        long p = Long.parseLong(Files.readString(pid).trim());
        Thread.sleep(200);
        assertFalse(ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false), "the hung agent was killed");
    }

    @Test
    void aBrokenArgumentsFileIsRefusedNamingItsLine() throws Exception {
        Path exe = agent("exit 0");
        for (var c : List.of(List.of("ip=1\nnot a pair\n", ":2: not a name=value line"),
                List.of("Ip=1\n", ":1: 'Ip' is not an argument name"),
                List.of("ip=1\nplug=h9\n", ":2: 'plug' is set by guestnode"),
                List.of("ip=1\nip=2\n", ":2: 'ip' is given twice"),
                List.of("[h2]\nip=1\n[h2 \n", ":3: '[h2' is not a [HOST] line"),
                List.of("[h2]\nip=1\n[h2]\n", ":3: [h2] is given twice"),
                List.of("password=x\n", ": no [HOST] section"))) {
            Path f = Files.writeString(dir.resolve("bad.conf"), c.get(0));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExternalFenceAgent.of(exe,
                    f));
            assertTrue(e.getMessage().startsWith(f + c.get(1)), e.getMessage());
        }
        Path plain = Files.writeString(dir.resolve("not-executable"), "#!/bin/sh\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExternalFenceAgent.of(plain,
                null));
        assertTrue(e.getMessage().contains("no executable file there"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ExternalFenceAgent.of(exe, null));
        assertTrue(e.getMessage().contains("needs --fence-agent-config"), e.getMessage());
    }
}
