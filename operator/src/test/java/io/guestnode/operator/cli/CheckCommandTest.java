package io.guestnode.operator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {

    static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] full = new String[args.length + 1];
        full[0] = "check";
        System.arraycopy(args, 0, full, 1, args.length);
        int code = GuestnodeCli.run(full, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void validDefinitionsExitZeroWithASummary(@TempDir Path dir) throws Exception {
        Path dom = Files.writeString(dir.resolve("g1.xml"), "<domain type='lxc'><name>g1</name></domain>");
        Path defs = Files.writeString(dir.resolve("defs.xml"), "<resources><primitive id=\"vm-g1\" class=\"ocf\" "
                + "provider=\"heartbeat\" type=\"VirtualDomain\"><instance_attributes id=\"i\"><nvpair id=\"c\" "
                + "name=\"config\" value=\"" + dom + "\"/></instance_attributes><meta_attributes id=\"m\"><nvpair "
                + "id=\"rn\" name=\"remote-node\" value=\"g1\"/></meta_attributes></primitive><primitive id=\"d\" "
                + "class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\"/></resources>");
        String[] r = run("--node-name", "host1", defs.toString());
        assertEquals("0", r[0], r[1] + r[2]);
        assertEquals("1 guest, 2 resources, 0 errors" + System.lineSeparator(), r[1]);
    }

    @Test
    void problemsArePrintedAsFileLineMessageAndExitOne(@TempDir Path dir) throws Exception {
        Path defs = Files.writeString(dir.resolve("defs.xml"), "<resources>\n<clone id=\"c1\"/>\n</resources>\n");
        String[] r = run(defs.toString());
        assertEquals("78", r[0], "invalid configuration (CRM_EX_CONFIG)");
        List<String> lines = r[1].lines().toList();
        assertEquals(defs + ":2: <clone id=\"c1\"> must hold exactly one primitive or group", lines.get(0));
        assertEquals("0 guests, 0 resources, 1 error", lines.get(1));
        assertTrue(r[2].isEmpty(), r[2]);
    }

    @Test
    void missingPathIsAnErrorNotAStackTrace(@TempDir Path dir) {
        String[] r = run(dir.resolve("nope").toString());
        assertEquals("78", r[0], "invalid configuration (CRM_EX_CONFIG)");
        assertTrue(r[1].startsWith(dir.resolve("nope") + ": no such file or directory"), r[1]);
        assertTrue(!r[1].contains("Exception") && !r[2].contains("Exception"));
    }
}
