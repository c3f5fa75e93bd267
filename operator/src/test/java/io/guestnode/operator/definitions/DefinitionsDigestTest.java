package io.guestnode.operator.definitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefinitionsDigestTest {
    static final String CIB = """
            <configuration><nodes><node id="1" uname="h1"/><node id="2" uname="h2"/><node id="3" uname="h3"/></nodes>
            <resources>
              <primitive id="vm-g1" class="ocf" provider="heartbeat" type="VirtualDomain">
                <instance_attributes id="a"><nvpair id="a1" name="config" value="@DIR@/g1.xml"/>
                  <nvpair id="a2" name="hypervisor" value="lxc:///"/></instance_attributes>
                <meta_attributes id="m"><nvpair id="m1" name="remote-node" value="g1"/>
                  <nvpair id="m2" name="remote-addr" value="10.251.1.1"/></meta_attributes>
              </primitive>
              <primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"/>
            </resources>
            <constraints><rsc_location id="l1" rsc="d1" node="g1" score="@SCORE@"/></constraints></configuration>
            """;

    static Definitions load(Path dir, String host, String score, String comment) throws Exception {
        Files.writeString(dir.resolve("g1.xml"), "<domain type='lxc'><name>g1</name></domain>");
        Path f = Files.writeString(dir.resolve("cib.xml"), comment + CIB.replace("@DIR@", dir.toString())
                .replace("@SCORE@", score));
        DefinitionsLoader.Result r = new DefinitionsLoader(host).load(List.of(f));
        assertTrue(r.ok(), r.problems().toString());
        return r.definitions();
    }

    @Test
    void everyHostReadingTheSameDefinitionsGetsTheSameDigest(@TempDir Path dir) throws Exception {
        String onH1 = DefinitionsDigest.of(load(dir, "h1", "100", ""));
        assertEquals(16, onH1.length());
        assertEquals(onH1, DefinitionsDigest.of(load(dir, "h2", "100", "<!-- the same, with a comment -->\n")),
                "the host's own name and where a line sits are not what is declared");
        assertNotEquals(onH1, DefinitionsDigest.of(load(dir, "h1", "200", "")), "a changed score is");
    }

    @Test
    void withoutANodeListEveryHostGetsTheSameDigestToo(@TempDir Path dir) throws Exception {
        String noNodes = CIB.replaceAll("<nodes>.*</nodes>", "");
        Files.writeString(dir.resolve("g1.xml"), "<domain type='lxc'><name>g1</name></domain>");
        Path f = Files.writeString(dir.resolve("cib.xml"), noNodes.replace("@DIR@", dir.toString())
                .replace("@SCORE@", "100"));
        String h1 = DefinitionsDigest.of(new DefinitionsLoader("h1").load(List.of(f)).definitions());
        String h2 = DefinitionsDigest.of(new DefinitionsLoader("h2").load(List.of(f)).definitions());
        assertEquals(h1, h2);
    }
}
