package io.guestnode.operator.definitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefinitionsLoaderTest {
    static final String HOST = "host1";

    @TempDir
    Path dir;
    Path domains;

    @BeforeEach
    void domains() throws IOException {
        domains = Files.createDirectories(dir.resolve("domains"));
        for (String g : List.of("guest1", "guest2", "guest3")) {
            Files.writeString(domains.resolve(g + ".xml"), "<domain type='lxc'>\n  <name>" + g
                    + "</name>\n  <memory unit='MiB'>128</memory>\n</domain>\n");
        }
    }

    DefinitionsLoader.Result load(String... files) throws IOException {
        List<Path> paths = new java.util.ArrayList<>();
        for (int i = 0; i < files.length; i++) {
            Path f = dir.resolve("defs" + i + ".xml");
            Files.writeString(f, files[i].replace("@D@", domains.toString()));
            paths.add(f);
        }
        return new DefinitionsLoader(HOST).load(paths);
    }

    static String vm(String id, String node, String extraMeta) {
        return "<primitive id=\"" + id + "\" class=\"ocf\" provider=\"heartbeat\" type=\"VirtualDomain\">"
                + "<instance_attributes id=\"" + id + "-ia\"><nvpair id=\"" + id + "-config\" name=\"config\" "
                + "value=\"@D@/" + node + ".xml\"/><nvpair id=\"" + id + "-hv\" name=\"hypervisor\" value=\"lxc:///\"/>"
                + "<nvpair id=\"" + id + "-fs\" name=\"force_stop\" value=\"true\"/></instance_attributes>"
                + "<meta_attributes id=\"" + id + "-meta\"><nvpair id=\"" + id + "-rn\" name=\"remote-node\" value=\""
                + node + "\"/>" + extraMeta + "</meta_attributes></primitive>";
    }

    static String dummy(String id) {
        return "<primitive id=\"" + id + "\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\"/>";
    }

    static String resources(String... items) {
        return "<resources>\n" + String.join("\n", items) + "\n</resources>\n";
    }

    static String messages(DefinitionsLoader.Result r) {
        return r.problems().stream().map(Problem::toString).collect(Collectors.joining("\n"));
    }

    static void assertError(DefinitionsLoader.Result r, String fragment) {
        assertFalse(r.ok(), "expected an error containing '" + fragment + "'");
        assertTrue(r.problems().stream().anyMatch(p -> p.isError() && p.message().contains(fragment)),
                "no error containing '" + fragment + "' in:\n" + messages(r));
    }

    // ------------------------------------------------------------------ documents

    @Test
    void cibProducedByPacemakerToolsLoads() throws IOException {
        String cib;
        try (InputStream in = getClass().getResourceAsStream("/cib/pacemaker-tools.xml")) {
            cib = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("/etc/guestnode/domains", "@D@");
        }
        DefinitionsLoader.Result r = load(cib);
        assertTrue(r.ok(), messages(r));
        Definitions d = r.definitions();
        assertEquals(List.of("guest1", "guest2"), d.guestNodes());
        assertEquals(List.of("dummy1", "dummy2"), d.services().stream().map(Service::id).toList());
        VmResource vm1 = d.vm("vm-guest1").orElseThrow();
        assertEquals("10.250.0.11", vm1.connection().addr());
        assertEquals(3121, vm1.connection().port());
        assertEquals(Duration.ofSeconds(30), vm1.connection().connectTimeout());
        assertEquals("lxc:///", vm1.domain().hypervisor());
        assertEquals("guest1", vm1.domain().domainName());
        assertTrue(vm1.domain().forceStop());
        assertEquals(100, vm1.meta().stickiness(), "rsc_defaults apply");
        assertEquals(2, d.locations().size());
        assertEquals(OrderRule.Kind.OPTIONAL, d.orders().get(0).kind());
        assertEquals(1, r.problems().size(), messages(r));
        assertTrue(r.problems().get(0).message().contains("fence device skipped"), messages(r));
        assertTrue(r.problems().get(0).toString().matches(".*defs0\\.xml:\\d+: warning: .*"), messages(r));
    }

    @Test
    void migrationLimitIsReadFromTheClusterOptionsAndABadOneIsNamed() throws IOException {
        String vm = vm("vm-guest1", "guest1", "");
        String ok = "<configuration><crm_config><cluster_property_set id=\"o\"><nvpair id=\"o1\" "
                + "name=\"migration-limit\" value=\"2\"/><nvpair id=\"o2\" name=\"stonith-enabled\" "
                + "value=\"false\"/></cluster_property_set></crm_config><resources>" + vm + "</resources></configuration>";
        DefinitionsLoader.Result r = load(ok);
        assertTrue(r.ok(), messages(r));
        assertEquals(2, r.definitions().migrationLimit());
        assertEquals(-1, load(resources(vm)).definitions().migrationLimit(), "no limit by default");
        DefinitionsLoader.Result bad = load(ok.replace("value=\"2\"", "value=\"two\""));
        assertFalse(bad.ok());
        assertTrue(messages(bad).contains("<crm_config>: migration-limit 'two' is not -1 (no limit) or a count"),
                messages(bad));
    }

    @Test
    void defaultsOfAGuestNode() throws IOException {
        DefinitionsLoader.Result r = load(resources(vm("vm-guest1", "guest1", "")));
        assertTrue(r.ok(), messages(r));
        GuestConnection c = r.definitions().vms().get(0).connection();
        assertEquals("guest1", c.addr(), "remote-addr defaults to remote-node");
        assertEquals(3121, c.port());
        assertEquals(Duration.ofSeconds(60), c.connectTimeout());
        assertTrue(c.allowMigrate());
        assertEquals(Duration.ofSeconds(5), c.monitorInterval());
        assertEquals(Duration.ofSeconds(10), c.monitorTimeout());
    }

    @Test
    void configurationRootAndSplitFilesAndDirectoriesMerge() throws IOException {
        Path d = Files.createDirectories(dir.resolve("guests.d"));
        Files.writeString(d.resolve("10-guests.xml"), resources(vm("vm-guest1", "guest1", ""), dummy("web"))
                .replace("@D@", domains.toString()));
        Files.writeString(d.resolve("20-constraints.xml"),
                "<constraints><rsc_location id=\"l1\" rsc=\"web\" node=\"guest1\" score=\"INFINITY\"/></constraints>");
        Files.writeString(d.resolve("30-defaults.xml"), "<configuration><op_defaults><meta_attributes id=\"od\">"
                + "<nvpair name=\"timeout\" value=\"45s\"/></meta_attributes></op_defaults></configuration>");
        Files.writeString(d.resolve("notes.txt"), "not read");
        DefinitionsLoader.Result r = new DefinitionsLoader(HOST).load(List.of(d));
        assertTrue(r.ok(), messages(r));
        assertEquals(3, r.files().size());
        assertEquals(Score.PLUS_INFINITY, r.definitions().locations().get(0).score());
        assertEquals(List.of(), r.definitions().service("web").orElseThrow().ops());
    }

    @Test
    void opDefaultsTimeoutAndOperations() throws IOException {
        DefinitionsLoader.Result r = load("<configuration><resources>" + dummy("x").replace("/>",
                "><operations><op id=\"x-mon\" name=\"monitor\" interval=\"10s\" on-fail=\"fence\"/>"
                        + "<op id=\"x-start\" name=\"start\" interval=\"0\" timeout=\"2min\"/></operations></primitive>")
                + "</resources><op_defaults><meta_attributes id=\"o\"><nvpair id=\"o1\" name=\"timeout\" value=\"33s\"/>"
                + "</meta_attributes></op_defaults></configuration>");
        assertTrue(r.ok(), messages(r));
        Service x = r.definitions().service("x").orElseThrow();
        OpDef mon = x.op("monitor", true).orElseThrow();
        assertEquals(Duration.ofSeconds(10), mon.interval());
        assertEquals(Duration.ofSeconds(33), mon.timeout());
        assertEquals(OnFail.FENCE, mon.onFail().orElseThrow());
        assertEquals(Duration.ofMinutes(2), x.op("start", false).orElseThrow().timeout());
    }

    @Test
    void groupMembersInheritMetaAndKeepOrder() throws IOException {
        DefinitionsLoader.Result r = load(resources("<group id=\"g\"><meta_attributes id=\"gm\"><nvpair id=\"gm1\" "
                + "name=\"target-role\" value=\"Stopped\"/></meta_attributes>" + dummy("a") + dummy("b") + "</group>"));
        assertTrue(r.ok(), messages(r));
        assertEquals(List.of("a", "b"), r.definitions().group("g").orElseThrow().members());
        assertEquals(ResourceMeta.TargetRole.STOPPED, r.definitions().service("b").orElseThrow().meta().targetRole());
        assertEquals("g", r.definitions().service("a").orElseThrow().group().orElseThrow());
    }

    @Test
    void metaAttributesAreRead() throws IOException {
        DefinitionsLoader.Result r = load(resources(dummy("x").replace("/>", "><meta_attributes id=\"m\">"
                + "<nvpair name=\"migration-threshold\" value=\"3\"/><nvpair name=\"failure-timeout\" value=\"2min\"/>"
                + "<nvpair name=\"is-managed\" value=\"false\"/><nvpair name=\"maintenance\" value=\"yes\"/>"
                + "<nvpair name=\"resource-stickiness\" value=\"INFINITY\"/><nvpair name=\"priority\" value=\"7\"/>"
                + "</meta_attributes></primitive>")));
        assertTrue(r.ok(), messages(r));
        ResourceMeta m = r.definitions().service("x").orElseThrow().meta();
        assertEquals(3, m.migrationThreshold());
        assertEquals(Duration.ofMinutes(2), m.failureTimeout());
        assertFalse(m.managed());
        assertTrue(m.maintenance());
        assertEquals(Score.INFINITY, m.stickiness());
        assertEquals(7, m.priority());
    }

    // ------------------------------------------------------------------ rules

    @Test
    void remoteNodeMayNotEqualItsOwnVmId() throws IOException {
        assertError(load(resources(vm("guest1", "guest1", ""))), "equals the VM resource's own id");
    }

    @Test
    void remoteNodeMayNotEqualAnyResourceId() throws IOException {
        assertError(load(resources(vm("vm-guest1", "guest1", ""), dummy("guest1"))), "is also a resource id");
    }

    @Test
    void remoteNodeMayNotEqualTheHostOrACibNode() throws IOException {
        Files.writeString(domains.resolve("host1.xml"), "<domain><name>host1</name></domain>");
        assertError(load(resources(vm("vm-h", "host1", ""))), "is the host's node name");
        Files.writeString(domains.resolve("node9.xml"), "<domain><name>node9</name></domain>");
        assertError(load("<configuration><nodes><node id=\"1\" uname=\"node9\"/></nodes>"
                + resources(vm("vm-n", "node9", "")) + "</configuration>"), "is a node of the CIB's <nodes>");
    }

    @Test
    void remoteNodeIsUniqueAndNotEmpty() throws IOException {
        DefinitionsLoader.Result r = load(resources(vm("vm-a", "guest1", ""),
                vm("vm-b", "guest1", "").replace("guest1.xml", "guest2.xml")));
        assertError(r, "remote-node 'guest1' is already the guest node of vm-a");
        assertError(load(resources(vm("vm-a", "", "").replace("/.xml", "/guest1.xml"))), "remote-node is empty");
    }

    @Test
    void remoteNodeOnlyOnPrimitives() throws IOException {
        assertError(load(resources("<group id=\"g\"><meta_attributes id=\"gm\"><nvpair id=\"gm1\" name=\"remote-node\" "
                + "value=\"x\"/></meta_attributes>" + dummy("a") + "</group>")), "belongs on a primitive");
    }

    @Test
    void portRangeAndDurationsAndAddresses() throws IOException {
        assertError(load(resources(vm("vm-a", "guest1", "<nvpair name=\"remote-port\" value=\"70000\"/>"))),
                "remote-port '70000' is not a port number");
        assertError(load(resources(vm("vm-a", "guest1", "<nvpair name=\"remote-port\" value=\"abc\"/>"))),
                "remote-port 'abc'");
        assertError(load(resources(vm("vm-a", "guest1", "<nvpair name=\"remote-connect-timeout\" value=\"soon\"/>"))),
                "remote-connect-timeout: 'soon' is not a duration");
        assertError(load(resources(vm("vm-a", "guest1", "<nvpair name=\"remote-connect-timeout\" value=\"0\"/>"))),
                "remote-connect-timeout must be longer than zero");
        assertError(load(resources(vm("vm-a", "guest1", "<nvpair name=\"remote-addr\" value=\"10.0.0.300\"/>"))),
                "remote-addr '10.0.0.300'");
        assertError(load(resources(vm("vm-a", "guest1", "<nvpair name=\"remote-addr\" value=\"bad host!\"/>"))),
                "remote-addr 'bad host!'");
        for (String t : List.of("60", "60s", "500ms", "2min", "1h", "PT1M")) {
            DefinitionsLoader.Result ok = load(resources(vm("vm-a", "guest1",
                    "<nvpair name=\"remote-connect-timeout\" value=\"" + t + "\"/>"
                            + "<nvpair name=\"remote-addr\" value=\"fd00::11\"/>")));
            assertTrue(ok.ok(), t + ": " + messages(ok));
        }
    }

    @Test
    void configMustBeALibvirtDomainWithAName() throws IOException {
        assertError(load(resources(vm("vm-a", "nope", ""))), "does not exist");
        Files.writeString(domains.resolve("bad.xml"), "<network><name>x</name></network>");
        assertError(load(resources(vm("vm-a", "guest1", "").replace("guest1.xml", "bad.xml"))),
                "is not a libvirt domain");
        Files.writeString(domains.resolve("noname.xml"), "<domain type='lxc'><memory>1</memory></domain>");
        assertError(load(resources(vm("vm-a", "guest1", "").replace("guest1.xml", "noname.xml"))), "has no domain <name>");
        Files.writeString(domains.resolve("broken.xml"), "<domain><name>x</name>");
        assertError(load(resources(vm("vm-a", "guest1", "").replace("guest1.xml", "broken.xml"))), "not well-formed");
        assertError(load(resources(vm("vm-a", "guest1", "").replace("@D@/guest1.xml", "guest1.xml"))),
                "must be an absolute path");
        assertError(load(resources(vm("vm-a", "guest1", "").replace("name=\"config\"", "name=\"cfg\""))),
                "'config' (the libvirt domain XML) is required");
        assertError(load(resources(vm("vm-a", "guest1", ""), vm("vm-b", "guest2", "").replace("guest2.xml", "guest1.xml"))),
                "is already used by vm-a");
    }

    @Test
    void unsupportedElementsAreErrorsWithIdAndLine() throws IOException {
        DefinitionsLoader.Result r = load(resources(dummy("a"), "<clone id=\"c1\"><meta_attributes id=\"c1-m\">"
                + "<nvpair id=\"c1-u\" name=\"globally-unique\" value=\"true\"/></meta_attributes>" + dummy("b")
                + "</clone>", "<bundle id=\"b1\"/>", "<master id=\"m1\">" + dummy("c") + "</master>"));
        assertError(r, "<clone id=\"c1\">: globally-unique clones are not supported");
        assertError(r, "<bundle id=\"b1\">: bundles are not supported");
        assertError(r, "<master id=\"m1\">: promotable clones are not supported");
        Problem clone = r.problems().stream().filter(p -> p.message().contains("c1")).findFirst().orElseThrow();
        assertEquals(3, clone.at().line(), "line of the <clone>");
        assertError(load(resources(dummy("a")), "<constraints><rsc_location id=\"l\" rsc=\"a\"><rule id=\"r\" score=\"1\"/>"
                + "</rsc_location></constraints>"), "rules are not supported");
        assertError(load(resources(dummy("a").replace("/>", "><meta_attributes id=\"m\"><rule id=\"r\"/>"
                + "</meta_attributes></primitive>"))), "rules are not supported");
    }

    @Test
    void anonymousClonesOfServicesAndGroups() throws IOException {
        DefinitionsLoader.Result r = load(resources(vm("vm-a", "guest1", ""),
                "<clone id=\"ping-clone\"><meta_attributes id=\"pc-m\"><nvpair id=\"pc-max\" name=\"clone-max\" "
                        + "value=\"2\"/><nvpair id=\"pc-i\" name=\"interleave\" value=\"true\"/><nvpair id=\"pc-r\" "
                        + "name=\"target-role\" value=\"Stopped\"/></meta_attributes>" + dummy("ping") + "</clone>",
                "<clone id=\"mon-clone\"><group id=\"mon\">" + dummy("agent") + dummy("shipper") + "</group></clone>"),
                "<constraints><rsc_order id=\"o\" first=\"ping-clone\" then=\"mon-clone\"/>"
                        + "<rsc_location id=\"l\" rsc=\"mon-clone\" node=\"guest1\" score=\"-INFINITY\"/></constraints>");
        assertTrue(r.ok(), messages(r));
        Definitions d = r.definitions();
        CloneSet ping = d.clone("ping-clone").orElseThrow();
        assertEquals("ping", ping.child());
        assertEquals(2, ping.cloneMax().getAsInt());
        assertTrue(ping.interleave());
        assertEquals(ResourceMeta.TargetRole.STOPPED, d.service("ping").orElseThrow().meta().targetRole(),
                "the clone's meta-attributes pass to what it holds");
        CloneSet mon = d.clone("mon-clone").orElseThrow();
        assertEquals("mon", mon.child());
        assertTrue(mon.cloneMax().isEmpty());
        assertFalse(mon.interleave());
        assertEquals(List.of("agent", "shipper"), d.group("mon").orElseThrow().members());
        assertEquals("mon-clone", d.cloneOf("mon").orElseThrow().id());
    }

    @Test
    void clonesThatCannotBeHonouredAreErrors() throws IOException {
        String[][] cases = {
            {"<clone id=\"c\">" + vm("vm-a", "guest1", "") + "</clone>", "a VM resource (remote-node) cannot be cloned"},
            {"<clone id=\"c\">" + dummy("a") + dummy("b") + "</clone>", "must hold exactly one primitive or group"},
            {"<clone id=\"c\"><meta_attributes id=\"m\"><nvpair id=\"n\" name=\"clone-node-max\" value=\"2\"/>"
                    + "</meta_attributes>" + dummy("a") + "</clone>", "clone-node-max 2 is not supported"},
            {"<clone id=\"c\"><meta_attributes id=\"m\"><nvpair id=\"n\" name=\"clone-max\" value=\"many\"/>"
                    + "</meta_attributes>" + dummy("a") + "</clone>", "clone-max 'many' is not a non-negative integer"},
            {"<clone id=\"c\"><meta_attributes id=\"m\"><nvpair id=\"n\" name=\"promotable\" value=\"true\"/>"
                    + "</meta_attributes>" + dummy("a") + "</clone>", "promotable clones are not supported"},
            {"<group id=\"g\"><clone id=\"c\">" + dummy("a") + "</clone></group>", "a clone inside a group"},
        };
        for (String[] c : cases) {
            DefinitionsLoader.Result r = load(resources(c[0]));
            assertError(r, c[1]);
            assertTrue(r.problems().stream().filter(Problem::isError).allMatch(p -> p.at().line() > 0), messages(r));
        }
        assertError(load(resources("<clone id=\"c\">" + dummy("a") + "</clone>", dummy("b")),
                "<constraints><rsc_colocation id=\"co\" rsc=\"b\" with-rsc=\"a\" score=\"INFINITY\"/></constraints>"),
                "'a' is held by clone 'c', which places it; colocate the clone");
    }

    @Test
    void colocationsTieServicesAndGroups() throws IOException {
        String rs = resources(vm("vm-a", "guest1", ""), dummy("a"), dummy("b"),
                "<group id=\"g\">" + dummy("c") + dummy("d") + "</group>");
        DefinitionsLoader.Result r = load(rs, "<constraints><rsc_colocation id=\"co\" rsc=\"a\" with-rsc=\"g\" "
                + "score=\"INFINITY\"/><rsc_colocation id=\"apart\" rsc=\"b\" with-rsc=\"a\" score=\"-200\"/>"
                + "</constraints>");
        assertTrue(r.ok(), messages(r));
        List<ColocationRule> cs = r.definitions().colocations();
        assertEquals(List.of("co", "apart"), cs.stream().map(ColocationRule::id).toList());
        assertTrue(cs.get(0).mandatory());
        assertEquals(-200, cs.get(1).score().value());
        assertEquals("a", cs.get(1).withResource());
    }

    @Test
    void colocationsThatCannotBeHonouredAreErrors() throws IOException {
        String rs = resources(vm("vm-a", "guest1", ""), dummy("a"), dummy("b"),
                "<group id=\"g\">" + dummy("c") + dummy("d") + "</group>");
        String[][] cases = {
            {"rsc=\"a\" with-rsc=\"nope\" score=\"INFINITY\"", "resource 'nope' does not exist"},
            {"rsc=\"a\" score=\"INFINITY\"", "needs id, rsc and with-rsc"},
            {"rsc=\"a\" with-rsc=\"vm-a\" score=\"INFINITY\"", "'vm-a' is a VM resource"},
            {"rsc=\"c\" with-rsc=\"a\" score=\"INFINITY\"", "'c' is a member of group 'g'"},
            {"rsc=\"a\" with-rsc=\"a\" score=\"INFINITY\"", "cannot be colocated with itself"},
            {"rsc=\"a\" with-rsc=\"b\" score=\"lots\"", "'lots' is not a score"},
            {"rsc=\"a\" with-rsc=\"b\"", "needs a score"},
            {"rsc=\"a\" with-rsc=\"b\" score=\"INFINITY\" rsc-role=\"Promoted\"", "rsc-role 'Promoted'"},
            {"rsc=\"a\" with-rsc=\"b\" score=\"INFINITY\" node-attribute=\"rack\"", "node-attribute 'rack'"},
        };
        for (String[] c : cases) {
            DefinitionsLoader.Result r = load(rs, "<constraints><rsc_colocation id=\"co\" " + c[0]
                    + "/></constraints>");
            assertError(r, "<rsc_colocation id=\"co\">");
            assertError(r, c[1]);
            assertTrue(r.problems().stream().allMatch(p -> p.at().line() > 0), messages(r));
        }
        assertError(load(rs, "<constraints><rsc_colocation id=\"co\" score=\"INFINITY\"><resource_set id=\"s\">"
                + "<resource_ref id=\"a\"/></resource_set></rsc_colocation></constraints>"),
                "resource sets are not supported");
    }

    @Test
    void duplicateIds() throws IOException {
        DefinitionsLoader.Result r = load(resources(dummy("a")), resources(dummy("a")));
        assertError(r, "duplicate id 'a' (first declared at ");
    }

    @Test
    void badMetaAndOps() throws IOException {
        assertError(load(resources(dummy("a").replace("/>", "><meta_attributes id=\"m\"><nvpair name=\"target-role\" "
                + "value=\"Promoted\"/></meta_attributes></primitive>"))), "target-role 'Promoted'");
        assertError(load(resources(dummy("a").replace("/>", "><meta_attributes id=\"m\"><nvpair "
                + "name=\"migration-threshold\" value=\"-1\"/></meta_attributes></primitive>"))), "migration-threshold");
        assertError(load(resources(dummy("a").replace("/>", "><operations><op id=\"o\" name=\"monitor\" interval=\"10s\" "
                + "on-fail=\"reboot\"/></operations></primitive>"))), "unknown on-fail 'reboot'");
        assertError(load(resources(dummy("a").replace("/>", "><operations><op id=\"o\" name=\"monitor\" interval=\"10s\" "
                + "role=\"Promoted\"/></operations></primitive>"))), "role 'Promoted' is not supported");
        assertError(load(resources(dummy("a").replace("/>", "><meta_attributes id=\"m\"><nvpair name=\"is-managed\" "
                + "value=\"perhaps\"/></meta_attributes></primitive>"))), "is not a boolean");
    }

    @Test
    void constraintsReferToRealResources() throws IOException {
        assertError(load(resources(dummy("a")), "<constraints><rsc_location id=\"l\" rsc=\"zz\" node=\"guest1\" "
                + "score=\"10\"/></constraints>"), "resource 'zz' does not exist");
        assertError(load(resources(dummy("a")), "<constraints><rsc_order id=\"o\" first=\"a\" then=\"zz\"/></constraints>"),
                "resource 'zz' does not exist");
        assertError(load(resources(dummy("a")), "<constraints><rsc_location id=\"l\" rsc=\"a\" node=\"guest1\" "
                + "score=\"lots\"/></constraints>"), "'lots' is not a score");
        assertError(load(resources(vm("vm-a", "guest1", ""), vm("vm-b", "guest2", "")),
                "<constraints><rsc_location id=\"l\" rsc=\"vm-b\" node=\"guest1\" score=\"INFINITY\"/></constraints>"),
                "cannot run inside guest node 'guest1'");
        DefinitionsLoader.Result hostOk = load(resources(dummy("a")), "<constraints><rsc_location id=\"l\" rsc=\"a\" "
                + "node=\"host1\" score=\"INFINITY\"/></constraints>");
        assertTrue(hostOk.ok(), "a constraint naming the host is accepted: " + messages(hostOk));
    }

    @Test
    void malformedFilesAndHostileXml() throws IOException {
        DefinitionsLoader.Result r = load("<resources>\n<primitive id=\"a\"\n</resources>");
        assertFalse(r.ok());
        assertTrue(r.problems().get(0).toString().matches(".*defs0\\.xml:[23]: not well-formed XML: .*"), messages(r));
        Path secret = Files.writeString(dir.resolve("secret"), "TOPSECRET");
        DefinitionsLoader.Result xxe = load("<!DOCTYPE r [<!ENTITY e SYSTEM \"file://" + secret + "\">]>"
                + "<resources><primitive id=\"&e;\" class=\"ocf\" provider=\"p\" type=\"t\"/></resources>");
        assertFalse(xxe.ok());
        assertFalse(messages(xxe).contains("TOPSECRET"), messages(xxe));
        assertError(load("<html/>"), "root element <html> is not a CIB document");
        DefinitionsLoader.Result missing = new DefinitionsLoader(HOST).load(List.of(dir.resolve("absent.xml")));
        assertError(missing, "no such file or directory");
    }

    /** Woodstox reports a bad character reference in text only when the text is read, unchecked. */
    @Test
    void aBadCharacterReferenceIsAProblemWithItsLine() throws IOException {
        DefinitionsLoader.Result r = load(resources(dummy("a").replace("/>",
                "><instance_attributes id=\"ia\">x&#tab;</instance_attributes></primitive>")));
        assertFalse(r.ok());
        assertTrue(r.problems().get(0).toString().matches(".*defs0\\.xml:2: not well-formed XML: .*decimal.*"),
                messages(r));
    }

    /**
     * A file of many small elements (or attributes) would take heap and CPU many times its size, and report a
     * problem for each: it is refused as a whole, at the line where it passes the cap.
     */
    @Test
    void aFileOfTooManyElementsOrAttributesIsOneProblem() throws IOException {
        DefinitionsLoader.Result r = load("<resources>\n" + "<a/>".repeat(100_000) + "\n</resources>");
        assertEquals(1, r.problems().size(), () -> r.problems().size() + " problems, first " + r.problems().get(0));
        assertTrue(r.problems().get(0).toString().matches(".*defs0\\.xml:2: more than 100000 elements in one file"),
                messages(r));
        String six = "<a b=\"\" c=\"\" d=\"\" e=\"\" f=\"\" g=\"\"/>";
        DefinitionsLoader.Result attrs = load("<resources>\n" + six.repeat(400_000 / 6 + 1)
                + "\n</resources>");
        assertEquals(1, attrs.problems().size(), () -> attrs.problems().size() + " problems");
        assertError(attrs, "more than 400000 attributes in one file");
    }

    @Test
    void aServiceNoGuestNodeMayRunIsReported() throws IOException {
        DefinitionsLoader.Result r = load(resources(vm("vm-a", "guest1", ""), dummy("x"), dummy("y")),
                "<constraints><rsc_location id=\"l\" rsc=\"x\" node=\"guest1\" score=\"-INFINITY\"/></constraints>");
        assertTrue(r.ok(), messages(r));
        assertTrue(r.problems().stream().anyMatch(p -> !p.isError() && p.message().contains("<primitive id=\"x\">: "
                + "no guest node may run it; it will stay stopped")), messages(r));
        assertTrue(r.problems().stream().noneMatch(p -> p.message().contains("\"y\"")), messages(r));
    }

    @Test
    void nvpairsWithoutIdsAreFine() throws IOException {
        DefinitionsLoader.Result r = load(resources(dummy("a").replace("/>",
                "><instance_attributes><nvpair name=\"state\" value=\"/run/a\"/></instance_attributes></primitive>")));
        assertTrue(r.ok(), messages(r));
        assertEquals("/run/a", r.definitions().service("a").orElseThrow().params().get("state"));
    }

    @Test
    void addresses() {
        assertTrue(VmResourceReader.validAddress("guest1"));
        assertTrue(VmResourceReader.validAddress("guest1.example.org"));
        assertTrue(VmResourceReader.validAddress("10.250.0.11"));
        assertTrue(VmResourceReader.validAddress("fd00::1"));
        assertFalse(VmResourceReader.validAddress("256.1.1.1"));
        assertFalse(VmResourceReader.validAddress("-bad"));
        assertFalse(VmResourceReader.validAddress(""));
    }

    @Test
    void aVmResourceOfAnotherAgentIsModelledForCheckAndSimulateAndRefusedByRun() throws IOException {
        String dummyVm = "<primitive id=\"vm-a\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\">"
                + "<meta_attributes id=\"vm-a-meta\"><nvpair id=\"vm-a-rn\" name=\"remote-node\" value=\"guest1\"/>"
                + "</meta_attributes></primitive>";
        DefinitionsLoader.Result run = load(resources(dummyVm, dummy("svc")));
        assertError(run, "<primitive id=\"vm-a\">: agent ocf:pacemaker:Dummy is not ocf:heartbeat:VirtualDomain");
        assertTrue(run.definitions().vms().isEmpty());

        Path f = dir.resolve("model.xml");
        Files.writeString(f, resources(dummyVm, vm("vm-b", "guest2", "").replace("guest2.xml", "gone.xml")
                .replace("@D@", domains.toString()), dummy("svc")));
        DefinitionsLoader.Result model = new DefinitionsLoader(HOST, DefinitionsLoader.Purpose.MODEL).load(List.of(f));
        assertTrue(model.ok(), model.problems().toString());
        assertEquals(List.of("guest1", "guest2"), model.definitions().guestNodes());
        assertTrue(model.definitions().vms().stream().allMatch(v -> v.domain().isModelled()));
        String warnings = model.problems().stream().map(Problem::toString).collect(Collectors.joining("\n"));
        assertTrue(warnings.contains("warning: <primitive id=\"vm-a\">: agent ocf:pacemaker:Dummy is modelled as a "
                + "guest's VM; run refuses it"), warnings);
        assertTrue(warnings.contains("gone.xml does not exist (run refuses it)"), warnings);
    }
}
