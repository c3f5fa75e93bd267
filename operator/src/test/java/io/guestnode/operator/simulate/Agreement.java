package io.guestnode.operator.simulate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * One generated cluster through both schedulers: Pacemaker's crm_simulate settles it, makes its failures happen
 * and simulates its next transition; guestnode simulate reads the same CIB. The outcome compares their Transition
 * Summary line by line (whitespace aside) and their Revised Cluster Status as a set of (resource, role, node).
 */
record Agreement(long seed, Path cib, Instant at, List<String> pacemaker, List<String> guestnode, Set<String> pacemakerRevised,
                 Set<String> guestnodeRevised) {
    /** When the failures happen: the generated CIBs carry this time, whatever the clock says. */
    static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final Pattern TIMES = Pattern.compile("(last-rc-change=\"|last-run=\"|name=\"last-failure-[^\"]*\" "
            + "value=\")(\\d+)");

    boolean summariesAgree() {
        return pacemaker.equals(guestnode);
    }

    boolean agrees() {
        return summariesAgree() && pacemakerRevised.equals(guestnodeRevised);
    }

    static Agreement of(long seed, Path work) throws IOException, InterruptedException {
        return of(ClusterGenerator.of(seed), work);
    }

    /** A cluster, generated or written by hand, settled by crm_simulate, made to fail, then run through both. */
    static Agreement of(ClusterGenerator g, Path work) throws IOException, InterruptedException {
        long seed = g.seed();
        Files.createDirectories(work);
        Path cfg = work.resolve("seed-" + seed + "-config.xml");
        Files.writeString(cfg, g.configuration());
        Path settled = settle(cfg, work.resolve("seed-" + seed + "-settled.xml"));
        Path cib = happen(g, settled, work.resolve("seed-" + seed + ".xml"));
        return compare(seed, cib, T0.plusSeconds(g.seconds()), work);
    }

    /** Runs one CIB through both at {@code at}; crm_simulate's outputs go to {@code work}. */
    static Agreement compare(long seed, Path cib, Instant at, Path work) throws IOException, InterruptedException {
        Files.createDirectories(work);
        String name = cib.getFileName().toString().replaceFirst("\\.xml$", "");
        Path after = work.resolve(name + "-after.xml");
        String crm = CrmSimulate.run(List.of("-S", "-x", cib.toString(), "-t", at.toString(), "-O",
                after.toString()), true);
        List<String> summary = normalize(CrmSimulate.section(crm, "Transition Summary:"));
        SimulationReport ours = SimulationReport.of(CibDocument.read(cib), at);
        return new Agreement(seed, cib, at, summary, normalize(ours.summary()),
                revised(pacemakerRevised(crm, cib, after, summary, at)), ours(ours));
    }

    /**
     * Pacemaker's status after the transition. crm_simulate carries out a guest's fence as a pseudo-action and keeps
     * the guest's operation history, so its Revised Cluster Status still shows what ran in the guest before the
     * fence; a running cluster's controller erases a fenced guest's history and transient attributes when the
     * fence is done. So for a transition with fences, the history each fenced guest had before it is erased from
     * the CIB crm_simulate saved, and crm_simulate shows that CIB's status.
     */
    private static List<String> pacemakerRevised(String crm, Path before, Path after, List<String> summary,
                                                 Instant at) throws IOException, InterruptedException {
        List<String> fenced = summary.stream().filter(l -> l.startsWith("Fence ("))
                .map(l -> l.split(" ")[2]).toList();
        if (fenced.isEmpty() || !Files.exists(after)) {
            return CrmSimulate.section(crm, "Revised Cluster Status:");
        }
        Path purged = after.resolveSibling(after.getFileName() + ".purged");
        purgeFenced(before, after, fenced, purged);
        String shown = CrmSimulate.run(List.of("-x", purged.toString(), "-t", at.toString()), true);
        return CrmSimulate.section(shown, "Current cluster status:");
    }

    /** Erases from {@code after} what each fenced guest's history held in {@code before}, and its attributes. */
    private static void purgeFenced(Path before, Path after, List<String> fenced, Path out) throws IOException {
        try {
            Document b = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(before.toFile());
            Document a = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(after.toFile());
            for (String node : fenced) {
                // crm_simulate numbers calls per resource: what a resource did before the transition ends at its
                // highest call id in the CIB before it
                java.util.Map<String, Long> limit = new java.util.HashMap<>();
                for (Element op : ops(nodeState(b, node))) {
                    limit.merge(resourceOf(op), callId(op), Math::max);
                }
                Element ns = nodeState(a, node);
                // what was started in the guest after the fence stays, from its start on; everything else of the
                // guest's history is from before the fence (only starts cannot happen before it)
                java.util.Map<String, Long> startedAt = new java.util.HashMap<>();
                for (Element op : ops(ns)) {
                    if (op.getAttribute("operation").equals("start")
                            && callId(op) > limit.getOrDefault(resourceOf(op), 0L)) {
                        startedAt.merge(resourceOf(op), callId(op), Math::min);
                    }
                }
                for (Element op : ops(ns)) {
                    if (callId(op) < startedAt.getOrDefault(resourceOf(op), Long.MAX_VALUE)) {
                        op.getParentNode().removeChild(op);
                    }
                }
                if (ns != null) {
                    NodeList ta = ns.getElementsByTagName("transient_attributes");
                    for (int i = ta.getLength() - 1; i >= 0; i--) {
                        ta.item(i).getParentNode().removeChild(ta.item(i));
                    }
                }
            }
            var t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            t.transform(new DOMSource(a), new StreamResult(out.toFile()));
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException
                 | javax.xml.transform.TransformerException ex) {
            throw new IOException(after + ": " + ex.getMessage(), ex);
        }
    }

    private static String resourceOf(Element op) {
        return ((Element) op.getParentNode()).getAttribute("id");
    }

    private static long callId(Element op) {
        String c = op.getAttribute("call-id");
        return c.isEmpty() ? 0 : Long.parseLong(c);
    }

    private static Element nodeState(Document doc, String node) {
        NodeList all = doc.getElementsByTagName("node_state");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (node.equals(e.getAttribute("uname")) || node.equals(e.getAttribute("id"))) {
                return e;
            }
        }
        return null;
    }

    private static List<Element> ops(Element nodeState) {
        List<Element> out = new ArrayList<>();
        if (nodeState != null) {
            NodeList l = nodeState.getElementsByTagName("lrm_rsc_op");
            for (int i = 0; i < l.getLength(); i++) {
                out.add((Element) l.item(i));
            }
        }
        return out;
    }

    /** Brings the cluster node up and runs transitions until Pacemaker has nothing more to do (at most 8). */
    private static Path settle(Path cfg, Path out) throws IOException, InterruptedException {
        CrmSimulate.run(List.of("-x", cfg.toString(), "-u", ClusterGenerator.HOST, "-O", out.toString(), "-Q"));
        for (int i = 0; i < 8; i++) {
            Path next = out.resolveSibling(out.getFileName() + ".next");
            String text = CrmSimulate.run(List.of("-S", "-x", out.toString(), "-O", next.toString(), "-t",
                    T0.toString()), true);
            Files.move(next, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            if (CrmSimulate.section(text, "Transition Summary:").isEmpty()) {
                break;
            }
        }
        return out;
    }

    /** Makes the generated happenings happen: meta-attributes set, failures injected, every time set to T0. */
    private static Path happen(ClusterGenerator g, Path settled, Path out) throws IOException, InterruptedException {
        Path edited = out.resolveSibling(out.getFileName() + ".edited");
        edit(settled, g.edits(), edited);
        List<String> args = new ArrayList<>(List.of("-x", edited.toString(), "-O", out.toString(), "-Q"));
        CibStatus status = CibDocument.read(settled).status();
        for (String spec : g.injections()) {
            String resolved = resolve(spec, status);
            if (resolved != null) {
                args.add("-i");
                args.add(resolved);
            }
        }
        CrmSimulate.run(args);
        Files.delete(edited);
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Matcher m = TIMES.matcher(text);
        Files.writeString(out, m.replaceAll(r -> r.group(1) + T0.getEpochSecond()));
        return out;
    }

    /**
     * {@code rsc_op_interval@~guestN=rc}: the node where rsc runs now, else guestN; {@code @~host1}: host1 if rsc
     * runs there, else null (no injection); {@code @=guestN}: guestN if rsc runs there, else null.
     */
    static String resolve(String spec, CibStatus status) {
        int only = spec.indexOf("@=");
        if (only >= 0) {
            // a clone's instance on that guest node, if one runs there
            int eq = spec.indexOf('=', only + 2);
            String key = spec.substring(0, only);
            String rsc = key.substring(0, key.lastIndexOf('_', key.lastIndexOf('_') - 1));
            String node = spec.substring(only + 2, eq);
            CibStatus.NodeState n = status.nodes().get(node);
            boolean runs = n != null && RoleInHistory.of(n.history(rsc)).filter(x -> x == RoleInHistory.STARTED)
                    .isPresent();
            return runs ? key + "@" + node + spec.substring(eq) : null;
        }
        int at = spec.indexOf("@~");
        if (at < 0) {
            return spec;
        }
        int eq = spec.indexOf('=', at);
        String key = spec.substring(0, at);
        int opAt = key.lastIndexOf('_', key.lastIndexOf('_') - 1);
        String rsc = key.substring(0, opAt);
        String fallback = spec.substring(at + 2, eq);
        String node = status.nodes().values().stream()
                .filter(n -> RoleInHistory.of(n.history(rsc)).filter(r -> r == RoleInHistory.STARTED).isPresent())
                .map(CibStatus.NodeState::name).findFirst().orElse(null);
        if (node == null && fallback.equals(ClusterGenerator.HOST)) {
            return null;
        }
        return key + "@" + (node == null ? fallback : node) + spec.substring(eq);
    }

    private static void edit(Path in, List<ClusterGenerator.Edit> edits, Path out) throws IOException {
        try {
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in.toFile());
            for (ClusterGenerator.Edit e : edits) {
                Element rsc = byId(doc, e.resource());
                Element meta = null;
                NodeList kids = rsc.getChildNodes();
                for (int i = 0; i < kids.getLength(); i++) {
                    if (kids.item(i) instanceof Element k && k.getTagName().equals("meta_attributes")) {
                        meta = k;
                    }
                }
                if (meta == null) {
                    meta = doc.createElement("meta_attributes");
                    meta.setAttribute("id", e.resource() + "-meta");
                    rsc.insertBefore(meta, rsc.getFirstChild());
                }
                Element nv = byId(doc, e.resource() + "-" + e.name());
                if (nv == null) {
                    nv = doc.createElement("nvpair");
                    nv.setAttribute("id", e.resource() + "-" + e.name());
                    nv.setAttribute("name", e.name());
                    meta.appendChild(nv);
                }
                nv.setAttribute("value", e.value());
            }
            var t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            t.transform(new DOMSource(doc), new StreamResult(out.toFile()));
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException
                 | javax.xml.transform.TransformerException ex) {
            throw new IOException(in + ": " + ex.getMessage(), ex);
        }
    }

    private static Element byId(Document doc, String id) {
        NodeList all = doc.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (id.equals(e.getAttribute("id"))) {
                return e;
            }
        }
        return null;
    }

    static List<String> normalize(List<String> lines) {
        return lines.stream().map(l -> l.replaceAll("\\s+", " ").trim().replaceFirst("^\\* ", ""))
                .filter(l -> !l.isEmpty()).toList();
    }

    /** (resource, role, node) from crm_simulate's resource list: "R (agent): Started node", "Stopped (disabled)". */
    static Set<String> revised(List<String> lines) {
        Set<String> out = new TreeSet<>();
        Pattern p = Pattern.compile("\\*\\s+(\\S+)\\s+\\([^)]*\\):\\s+(Started|Stopped|FAILED)\\s*(\\[[^\\]]*\\]|\\S*)");
        Pattern cloneSet = Pattern.compile("^\\s*\\* Clone Set: (\\S+) \\[");
        Pattern instances = Pattern.compile("^\\s*\\* Started: \\[ ([^\\]]*) \\]");
        String clone = null;
        for (String l : lines) {
            Matcher c = cloneSet.matcher(l);
            if (c.find()) {
                clone = c.group(1);
                continue;
            }
            Matcher i = instances.matcher(l);
            if (clone != null && i.find()) {
                for (String node : i.group(1).trim().split("\\s+")) {
                    out.add(clone + " Started " + node); // a clone's started instances, node by node
                }
                continue;
            }
            Matcher m = p.matcher(l.trim());
            if (!m.find() || l.contains("(stonith:")) {
                continue;
            }
            String where = m.group(3).startsWith("(") ? "" : m.group(3).replaceAll("[\\[\\]]", " ").trim();
            if (where.isEmpty()) {
                out.add(m.group(1) + " " + m.group(2));
            }
            for (String node : where.isEmpty() ? new String[0] : where.split("\\s+")) {
                out.add(m.group(1) + " " + m.group(2) + " " + node);
            }
        }
        return out;
    }

    private static Set<String> ours(SimulationReport r) {
        Set<String> out = new TreeSet<>();
        r.revised().listed(r.definitions()).forEach(s -> out.add(s.toString()));
        return out;
    }
}
