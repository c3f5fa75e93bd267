package io.guestnode.operator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.agents.testing.Shell;
import io.guestnode.operator.api.ClusterView;
import io.guestnode.operator.api.StatusView;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The XML status is crm_mon's: it validates against Pacemaker's own API schema (pacemaker-common's
 * api-result-2.25.rng, checked by xmllint), hosts are members, guest nodes remote nodes naming their VM resource.
 */
class CrmMonXmlTest {
    static final Path SCHEMA = Path.of("/usr/share/pacemaker/api/api-result-" + CrmMonXml.API_VERSION + ".rng");

    static StatusView view() {
        return new StatusView("h1", "2026-12-01T07:00:00Z", List.of(
                new StatusView.GuestView("lg1", "vm-lg1", "10.251.1.1", true, false, false),
                new StatusView.GuestView("lg2", "vm-lg2", "10.251.1.2", false, true, true)),
                List.of(new StatusView.ResourceView("vm-lg1", "ocf:heartbeat:VirtualDomain", "Started", "h1", false),
                        new StatusView.ResourceView("vm-lg2", "ocf:heartbeat:VirtualDomain", "FAILED", "h1", false),
                        new StatusView.ResourceView("web", "ocf:pacemaker:Dummy", "Started", "lg1", false),
                        new StatusView.ResourceView("db", "ocf:pacemaker:Dummy", "Stopped", "", true)),
                List.of(new StatusView.FailedAction("web", "lg1", "monitor", 10_000, 7, "complete",
                                "not \"running\" <at all> & more", 2, "2026-12-01T06:59:00Z"),
                        new StatusView.FailedAction("lg2", "h1", "monitor", 0, 1, "Error",
                                "unexpected client takeover", 1, "2026-12-01T06:58:00Z")),
                Map.of(), List.of(), List.of(), List.of(), null);
    }

    static void valid(String xml, Path dir) throws Exception {
        assertTrue(Files.exists(SCHEMA), SCHEMA + " missing: bin/setup-host installs pacemaker-common");
        Path f = Files.writeString(dir.resolve("status.xml"), xml);
        Shell.Result r = Shell.run(List.of("xmllint", "--noout", "--relaxng", SCHEMA.toString(), f.toString()));
        assertEquals(0, r.exitCode(), "xmllint (bin/setup-host installs it): " + r.output() + "\n" + xml);
    }

    static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    static List<String> nodes(Document d) {
        List<String> out = new ArrayList<>();
        NodeList n = ((Element) d.getElementsByTagName("nodes").item(0)).getElementsByTagName("node");
        for (int i = 0; i < n.getLength(); i++) {
            Element e = (Element) n.item(i);
            out.add(e.getAttribute("name") + " " + e.getAttribute("type") + " online=" + e.getAttribute("online")
                    + (e.getAttribute("is_dc").equals("true") ? " dc" : "")
                    + (e.getAttribute("standby").equals("true") ? " standby" : "")
                    + (e.hasAttribute("id_as_resource") ? " vm=" + e.getAttribute("id_as_resource") : ""));
        }
        return out;
    }

    @Test
    void aHostAloneIsCrmMonsXml(@TempDir Path dir) throws Exception {
        String xml = CrmMonXml.of(view(), "guestnode 1.0");
        valid(xml, dir);
        Document d = parse(xml);
        assertEquals(List.of("h1 member online=true dc", "lg1 remote online=true vm=vm-lg1",
                "lg2 remote online=false vm=vm-lg2"), nodes(d));
        Element web = (Element) d.getElementsByTagName("failure").item(0);
        assertEquals("web_monitor_10000", web.getAttribute("op_key"));
        assertEquals("not running", web.getAttribute("exitstatus"));
        assertEquals("not \"running\" <at all> & more", web.getAttribute("exitreason"));
    }

    @Test
    void oneOfSeveralShowsEveryHostAsAMemberAndOtherHostsGuests(@TempDir Path dir) throws Exception {
        ClusterView c = new ClusterView("h1", "h2", true, List.of("h1", "h2", "h3"), List.of(
                new ClusterView.Owner("lg1", "h1", 3, "running", "h1"),
                new ClusterView.Owner("lg3", "h3", 1, "running", "h3"),
                new ClusterView.Owner("lg4", "h4", 2, "recovering", "")), "2026-12-01T07:00:00Z", "00aa11bb22cc33dd",
                List.of(), 10, 40, List.of("h3"));
        String xml = CrmMonXml.of(view().withCluster(c), "guestnode 1.0");
        valid(xml, dir);
        assertEquals(List.of("h1 member online=true", "h2 member online=true dc", "h3 member online=true standby",
                "h4 member online=false", "lg1 remote online=true vm=vm-lg1", "lg2 remote online=false vm=vm-lg2",
                "lg3 remote online=true", "lg4 remote online=false"), nodes(parse(xml)));
    }
}
