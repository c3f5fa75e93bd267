package io.guestnode.operator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.agents.coordination.Timing;
import io.guestnode.agents.coordination.ZkCoordination;
import io.guestnode.operator.definitions.DefinitionsDigest;
import io.guestnode.operator.definitions.DefinitionsLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster's definitions in a real ZooKeeper server: the first host publishes its files, the others take them;
 * a reload on any host publishes its files for all; a publish that has not read the latest version changes nothing;
 * definitions that do not load on a host, or a document that is not one, leave that host with what it had.
 */
class SharedDefinitionsTest {
    static TestingServer zk;
    static int roots;

    @BeforeAll
    static void start() throws Exception {
        zk = new TestingServer(true);
    }

    @AfterAll
    static void stop() throws Exception {
        zk.close();
    }

    record Host(ZkCoordination zk, SharedDefinitions shared, DefinitionsLoader loader) implements AutoCloseable {
        @Override
        public void close() {
            zk.close();
        }
    }

    static Host host(String root, String name, Path state) throws Exception {
        ZkCoordination c = new ZkCoordination(zk.getConnectString(), root, name, Timing.FAST);
        DefinitionsLoader loader = new DefinitionsLoader(name);
        return new Host(c, new SharedDefinitions(c.document("definitions"), loader, state.resolve("cluster-defs"),
                name), loader);
    }

    /** One file of {@code n} guest nodes (test-driver domains written next to it) with one Dummy. */
    static DefinitionsLoader.Result files(Path dir, int n, String extra) throws Exception {
        Files.createDirectories(dir);
        StringBuilder cib = new StringBuilder("<configuration><resources>");
        for (int i = 1; i <= n; i++) {
            Path xml = Files.writeString(dir.resolve("g" + i + ".xml.domain"), "<domain type='test'><name>sd-g" + i
                    + "</name><memory unit='MiB'>64</memory><os><type>hvm</type></os></domain>");
            cib.append("""
                    <primitive id="vm-g%1$d" class="ocf" provider="heartbeat" type="VirtualDomain">
                      <instance_attributes id="vm-g%1$d-ia">
                        <nvpair id="vm-g%1$d-c" name="config" value="%2$s"/>
                        <nvpair id="vm-g%1$d-h" name="hypervisor" value="test:///default"/>
                      </instance_attributes>
                      <meta_attributes id="vm-g%1$d-m"><nvpair id="vm-g%1$d-rn" name="remote-node" value="g%1$d"/>
                      </meta_attributes>
                    </primitive>
                    """.formatted(i, xml));
        }
        cib.append("<primitive id=\"web\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\"/>");
        Files.writeString(dir.resolve("guests.xml"), cib + "</resources></configuration>" + extra);
        DefinitionsLoader.Result r = new DefinitionsLoader("h1").load(List.of(dir.resolve("guests.xml")));
        assertTrue(r.ok(), r.problems().toString());
        return r;
    }

    @Test
    void theFirstHostPublishesTheOthersTakeThemAndAReloadAnywherePublishesForAll(@TempDir Path tmp) throws Exception {
        String root = "/guestnode/sd" + (++roots);
        DefinitionsLoader.Result two = files(tmp.resolve("a"), 2, "");
        DefinitionsLoader.Result three = files(tmp.resolve("b"), 3, "");
        try (Host h1 = host(root, "h1", tmp.resolve("h1")); Host h2 = host(root, "h2", tmp.resolve("h2"))) {
            assertEquals(2, h1.shared().begin(two).vms().size(), "nothing published yet: h1's own, published");
            assertEquals(DefinitionsDigest.of(two.definitions()), h1.shared().clusterDigest());
            assertEquals(2, h2.shared().begin(three).vms().size(), "h2 takes the cluster's, not its own files");
            assertEquals(Optional.empty(), h1.shared().poll(), "nothing changed");

            assertNull(h2.shared().publish(three), "a reload on h2");
            var took = h1.shared().poll().orElseThrow();
            SharedDefinitions.Read.Adopted a = assertInstanceOf(SharedDefinitions.Read.Adopted.class, took);
            assertEquals(3, a.definitions().vms().size());
            assertEquals("h2", a.publishedBy());
            assertEquals(DefinitionsDigest.of(three.definitions()), a.digest());
            assertTrue(Files.exists(tmp.resolve("h1/cluster-defs/001-guests.xml")), "h1 keeps the files it read");

            assertNull(h1.shared().publish(two), "h1 read the latest: its reload publishes");
            String why = h2.shared().publish(files(tmp.resolve("c"), 1, ""));
            assertTrue(why != null && why.contains("changed meanwhile on another host"), "h2 did not read h1's: "
                    + why);
            assertEquals(2, assertInstanceOf(SharedDefinitions.Read.Adopted.class, h2.shared().poll().orElseThrow())
                    .definitions().vms().size(), "the cluster's stay h1's, and h2 takes them at its next poll");
            assertNull(h2.shared().publish(two), "the same definitions again: nothing to do");
        }
    }

    @Test
    void definitionsThatDoNotLoadOnAHostLeaveItWithWhatItHad(@TempDir Path tmp) throws Exception {
        String root = "/guestnode/sd" + (++roots);
        DefinitionsLoader.Result two = files(tmp.resolve("a"), 2, "");
        DefinitionsLoader.Result three = files(tmp.resolve("b"), 3, "");
        try (Host h1 = host(root, "h1", tmp.resolve("h1")); Host h2 = host(root, "h2", tmp.resolve("h2"))) {
            h1.shared().begin(two);
            h2.shared().begin(two);
            Files.delete(tmp.resolve("b/g3.xml.domain")); // g3's domain XML is missing on these hosts now
            assertNull(h1.shared().publish(three));
            SharedDefinitions.Read.Refused r = assertInstanceOf(SharedDefinitions.Read.Refused.class,
                    h2.shared().poll().orElseThrow());
            assertTrue(r.why().contains("do not load here") && r.why().contains("g3.xml.domain"), r.why());
            assertEquals(DefinitionsDigest.of(three.definitions()), h2.shared().clusterDigest());
            DefinitionsAgreement agreement = new DefinitionsAgreement(h2.zk(), Optional.of(h2.shared()),
                    two.definitions());
            assertFalse(agreement.agrees(agreement.reference(java.util.Map.of(), "h1")),
                    "h2 keeps its definitions and acts on nothing new");
            assertEquals(Optional.empty(), h2.shared().poll(), "the refused version is not read at every step");
            Files.writeString(tmp.resolve("b/g3.xml.domain"), "<domain type='test'><name>sd-g3</name><memory "
                    + "unit='MiB'>64</memory><os><type>hvm</type></os></domain>");
            assertNull(h2.shared().publish(three), "a reload on h2, whose files are the cluster's");
            var again = assertInstanceOf(SharedDefinitions.Read.Adopted.class, h2.shared().poll().orElseThrow(),
                    "after the reload h2 reads the refused version again");
            assertEquals(3, again.definitions().vms().size());
        }
    }

    @Test
    void aDocumentThatIsNoDefinitionsIsRefusedAndTooLargeOnesAreNotPublished(@TempDir Path tmp) throws Exception {
        String root = "/guestnode/sd" + (++roots);
        try (Host h1 = host(root, "h1", tmp.resolve("h1"))) {
            var doc = h1.zk().document("definitions");
            assertTrue(doc.write(-1, "not gzip".getBytes(StandardCharsets.UTF_8)));
            SharedDefinitions.Read.Refused r = assertInstanceOf(SharedDefinitions.Read.Refused.class,
                    h1.shared().poll().orElseThrow());
            assertTrue(r.why().contains("cannot be read"), r.why());
            var evil = new SharedDefinitions.Bundle("h9", "0123", List.of(new SharedDefinitions.File(
                    "../../etc/cron.d/x.xml", "<configuration/>")));
            assertTrue(doc.write(0, SharedDefinitions.encode(evil)));
            r = assertInstanceOf(SharedDefinitions.Read.Refused.class, h1.shared().poll().orElseThrow());
            assertTrue(r.why().contains("not a plain name"), r.why());
            assertFalse(Files.exists(tmp.resolve("etc")), "nothing written outside the host's directory");

            java.io.ByteArrayOutputStream bomb = new java.io.ByteArrayOutputStream();
            try (var z = new java.util.zip.GZIPOutputStream(bomb)) {
                z.write(new byte[SharedDefinitions.MAX_TEXT + 1]);
            }
            assertTrue(doc.write(1, bomb.toByteArray()), "a few KiB that inflate to more than 16 MiB");
            r = assertInstanceOf(SharedDefinitions.Read.Refused.class, h1.shared().poll().orElseThrow());
            assertTrue(r.why().contains("once inflated"), r.why());
            assertTrue(doc.write(2, "{}".getBytes(StandardCharsets.UTF_8)));
            byte[] noise = new byte[1_200_000];
            new SecureRandom().nextBytes(noise);
            String comment = "<!-- " + Base64.getEncoder().encodeToString(noise) + " -->";
            String why = h1.shared().publish(files(tmp.resolve("big"), 1, comment));
            assertTrue(why != null && why.contains("more than ZooKeeper keeps in one document"), why);
            assertInstanceOf(SharedDefinitions.Read.Refused.class, h1.shared().read().orElseThrow(),
                    "the cluster's document is unchanged");
            assertEquals(3, doc.version().getAsInt());
            assertNull(h1.shared().publish(files(tmp.resolve("ok"), 1, "")), "a good reload replaces a bad document");
            assertInstanceOf(SharedDefinitions.Read.Adopted.class, h1.shared().poll().orElseThrow());
        }
    }
}
