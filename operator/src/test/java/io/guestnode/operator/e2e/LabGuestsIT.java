package io.guestnode.operator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.guestnode.agents.testing.Shell;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code bin/lab up --guests M}: when it returns, guestnode runs on the host and every guest is online with its Dummy. */
class LabGuestsIT {
    @BeforeAll
    static void clean() {
        assumeTrue(Shell.isRoot(), "the lab needs root");
        LabIT.lab("down");
    }

    @AfterAll
    static void down() {
        if (Shell.isRoot()) {
            LabIT.lab("down");
        }
    }

    @Test
    void upWithGuestsReturnsOnceEveryGuestRunsItsDummy() throws Exception {
        Shell.Result r = Shell.run(List.of("env", "GUESTNODE_TOOLS_CP=" + System.getProperty("java.class.path"),
                LabIT.ROOT.resolve("bin/lab").toString(), "up", "--hosts", "1", "--guests", "2"));
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("guest1 online on h1 (domain gnlab-guest1)")
                && r.output().contains("guest2 online on h1 (domain gnlab-guest2)"), r.output());
        java.util.Set<String> running = new java.util.TreeSet<>();
        LabIT.host(LabIT.status(), "h1").get("guests").forEach(g -> running.add(g.asText()));
        assertEquals(java.util.Set.of("gnlab-guest1", "gnlab-guest2"), running);
        StringWriter out = new StringWriter();
        int rc = io.guestnode.operator.cli.GuestnodeCli.run(new String[] {"status", "--output-as", "json", "--socket",
            "/run/guestnode-lab/shared/lab/h1/gn.sock"}, new PrintWriter(out, true), new PrintWriter(out, true));
        assertEquals(0, rc, out.toString());
        JsonNode s = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString());
        for (String g : List.of("guest1", "guest2")) {
            assertTrue(StatusJson.online(s, g), g + " online: " + s);
            assertEquals("Started " + g, StatusJson.role(s, "dummy-" + g), s.toString());
        }
    }
}
