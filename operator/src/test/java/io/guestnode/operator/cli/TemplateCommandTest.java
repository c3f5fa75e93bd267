package io.guestnode.operator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.operator.definitions.XmlTree;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateCommandTest {

    static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] full = new String[args.length + 1];
        full[0] = "template";
        System.arraycopy(args, 0, full, 1, args.length);
        int code = GuestnodeCli.run(full, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    XmlTree.Element parse(Path dir, String xml) throws Exception {
        Path f = Files.writeString(dir.resolve("d.xml"), xml);
        return new XmlTree().parse(f);
    }

    @Test
    void lxcTemplateIsAWellFormedDomain(@TempDir Path dir) throws Exception {
        String[] r = run("lxc", "--name", "guest1", "--addr", "10.250.0.11", "--images", "/img",
                "--key-dir", "/keys/guest1");
        assertEquals("0", r[0], r[2]);
        assertFalse(r[1].contains("@"), "every placeholder replaced");
        XmlTree.Element d = parse(dir, r[1]);
        assertEquals("lxc", d.attr("type"));
        assertEquals("guest1", d.child("name").orElseThrow().text());
        assertTrue(r[1].contains("<source dir='/img/root'/>"), r[1]);
        assertTrue(r[1].contains("<source dir='/keys/guest1'/>"), r[1]);
        assertTrue(r[1].contains("<ip address='10.250.0.11' prefix='16'/>"), r[1]);
        assertTrue(r[1].contains("<mac address='52:54:00:fa:00:0b'/>"), "MAC derived from the address: " + r[1]);
        assertTrue(r[1].contains("<port isolated='yes'/>"), "no traffic to other guests: " + r[1]);
    }

    @Test
    void kvmAndQemuTemplates(@TempDir Path dir) throws Exception {
        for (String kind : new String[] {"kvm", "qemu"}) {
            String[] r = run(kind, "--name", "g2", "--addr", "10.250.0.12", "--images", "/img", "--disk", "/d/g2.qcow2",
                    "--key", "/k/authkey");
            assertEquals("0", r[0], r[2]);
            XmlTree.Element d = parse(dir, r[1]);
            assertEquals(kind, d.attr("type"));
            assertTrue(r[1].contains("guestnode.ip=10.250.0.12/16"), r[1]);
            assertTrue(r[1].contains("<kernel>/img/qemu/vmlinuz</kernel>"), r[1]);
            assertTrue(r[1].contains("file='/k/authkey'"), r[1]);
            assertTrue(r[1].contains("<source file='/d/g2.qcow2'/>"), r[1]);
            assertTrue(r[1].contains("<port isolated='yes'/>"), "no traffic to other guests: " + r[1]);
        }
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertEquals("64", run("lxc", "--name", "bad name", "--addr", "10.0.0.1")[0]);
        String[] r = run("lxc", "--name", "g", "--addr", "10.0.0.256");
        assertEquals("64", r[0]);
        assertTrue(r[2].contains("--addr '10.0.0.256' is not an IPv4 address"), r[2]);
        assertEquals("64", run("docker", "--name", "g", "--addr", "10.0.0.1")[0]);
        assertEquals("64", run("lxc", "--name", "g", "--addr", "10.0.0.1", "--prefix", "40")[0]);
    }

    @Test
    void valuesAreEscaped() {
        assertEquals("a&amp;b&lt;c&apos;", TemplateCommand.escape("a&b<c'"));
    }
}
