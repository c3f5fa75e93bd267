package io.guestnode.operator.simulate;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.definitions.VmResource;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The reviewed classes of disagreement between guestnode simulate and crm_simulate
 * ({@code simulate/differences.xml}): each named, with its reason and a scenario that shows it, and the Transition
 * Summary lines by which it is recognised. {@code intended}: guestnode does it differently on purpose. {@code open}:
 * not yet the same; to be fixed.
 *
 * <p>A disagreement is explained when every line only one side prints matches a pattern of some class on that side,
 * and the revised statuses agree or one of those classes says they follow from its lines. Patterns are regular
 * expressions over whitespace-normalised lines; {@code {vm}}, {@code {guest}}, {@code {svc}}, {@code {clone}} and
 * {@code {node}} stand
 * for the CIB's VM resources, guest nodes, services and any node.
 */
record Differences(int floorPercent, List<Kind> kinds) {
    /**
     * @param paired "verb": a line is explained only when the other side prints a line of the same verb for the same
     *               resource (they differ in the details, not in what happens); "resource": a line for the same
     *               resource; empty: no such condition
     * @param at     when the class's scenario is simulated
     */
    record Kind(String name, String kind, String reason, String scenario, String at, List<String> pacemaker,
                List<String> guestnode, boolean revisedFollows, String paired, List<String> revisedPacemaker,
                List<String> revisedGuestnode) {
    }

    /** Why a disagreement is what it is: the classes that explain it, or the lines nothing explains. */
    record Verdict(Set<String> classes, List<String> unexplained) {
        boolean explained() {
            return unexplained.isEmpty();
        }
    }

    static Differences load() throws IOException {
        try (InputStream in = Differences.class.getResourceAsStream("/simulate/differences.xml")) {
            var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
            Element root = doc.getDocumentElement();
            List<Kind> kinds = new ArrayList<>();
            NodeList ds = root.getElementsByTagName("difference");
            for (int i = 0; i < ds.getLength(); i++) {
                Element e = (Element) ds.item(i);
                kinds.add(new Kind(e.getAttribute("name"), e.getAttribute("kind"), text(e, "reason"),
                        e.getAttribute("scenario"), e.getAttribute("at"), patterns(e, "pacemaker"),
                        patterns(e, "guestnode"), "follows".equals(e.getAttribute("revised")),
                        e.getAttribute("paired"), patterns(e, "revised-pacemaker"), patterns(e, "revised-guestnode")));
            }
            return new Differences(Integer.parseInt(root.getAttribute("floor-percent")), kinds);
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new IOException("simulate/differences.xml: " + e.getMessage(), e);
        }
    }

    Verdict judge(Agreement a, Definitions d) {
        List<String> onlyP = a.pacemaker().stream().filter(l -> !a.guestnode().contains(l)).toList();
        List<String> onlyG = a.guestnode().stream().filter(l -> !a.pacemaker().contains(l)).toList();
        Set<String> used = new LinkedHashSet<>();
        List<String> unexplained = new ArrayList<>();
        for (String l : onlyP) {
            match(l, d, true, onlyG).ifPresentOrElse(used::add, () -> unexplained.add("only Pacemaker: " + l));
        }
        for (String l : onlyG) {
            match(l, d, false, onlyP).ifPresentOrElse(used::add, () -> unexplained.add("only guestnode: " + l));
        }
        if (!a.pacemakerRevised().equals(a.guestnodeRevised())
                && kinds.stream().noneMatch(k -> used.contains(k.name()) && k.revisedFollows())) {
            List<String> revisedUnexplained = new ArrayList<>();
            for (String e : a.pacemakerRevised()) {
                if (!a.guestnodeRevised().contains(e)) {
                    revisedMatch(e, d, true).ifPresentOrElse(used::add, () -> revisedUnexplained.add(e));
                }
            }
            for (String e : a.guestnodeRevised()) {
                if (!a.pacemakerRevised().contains(e)) {
                    revisedMatch(e, d, false).ifPresentOrElse(used::add, () -> revisedUnexplained.add(e));
                }
            }
            if (!revisedUnexplained.isEmpty()) {
                unexplained.add("revised status: Pacemaker " + a.pacemakerRevised() + ", guestnode "
                        + a.guestnodeRevised());
            }
        }
        return new Verdict(used, unexplained);
    }

    private Optional<String> match(String line, Definitions d, boolean pacemakerSide, List<String> otherSide) {
        String[] words = line.split(" ");
        String verbAndResource = words.length > 1 ? words[0] + " " + words[1] + " " : line;
        String resource = words.length > 1 ? " " + words[1] + " " : line;
        for (Kind k : kinds) {
            if (k.paired().equals("verb") && otherSide.stream().noneMatch(o -> o.startsWith(verbAndResource))) {
                continue;
            }
            if (k.paired().equals("resource") && otherSide.stream().noneMatch(o -> o.contains(resource))) {
                continue;
            }
            for (String p : pacemakerSide ? k.pacemaker() : k.guestnode()) {
                if (Pattern.compile(expand(p, d)).matcher(line).matches()) {
                    return Optional.of(k.name());
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> revisedMatch(String entry, Definitions d, boolean pacemakerSide) {
        for (Kind k : kinds) {
            for (String p : pacemakerSide ? k.revisedPacemaker() : k.revisedGuestnode()) {
                if (Pattern.compile(expand(p, d)).matcher(entry).matches()) {
                    return Optional.of(k.name());
                }
            }
        }
        return Optional.empty();
    }

    static String expand(String pattern, Definitions d) {
        String vms = alternatives(d.vms().stream().map(VmResource::id));
        String guests = alternatives(d.guestNodes().stream());
        // a service, or an instance of a cloned one (member:N)
        String svcs = "(?:" + alternatives(d.services().stream().map(Service::id)) + "(?::\\d+)?)";
        String clones = alternatives(d.clones().stream().map(c -> c.id()));
        String nodes = alternatives(Stream.concat(Stream.of(d.hostNode()), d.guestNodes().stream()));
        return pattern.replace("{vm}", vms).replace("{guest}", guests).replace("{svc}", svcs).replace("{clone}", clones)
                .replace("{node}", nodes);
    }

    private static String alternatives(Stream<String> ids) {
        String alt = ids.map(Pattern::quote).collect(Collectors.joining("|"));
        return alt.isEmpty() ? "(?!)" : "(?:" + alt + ")";
    }

    private static String text(Element e, String child) {
        NodeList l = e.getElementsByTagName(child);
        return l.getLength() == 0 ? "" : l.item(0).getTextContent().trim().replaceAll("\\s+", " ");
    }

    private static List<String> patterns(Element e, String side) {
        List<String> out = new ArrayList<>();
        NodeList l = e.getElementsByTagName(side);
        for (int i = 0; i < l.getLength(); i++) {
            out.add(((Element) l.item(i)).getAttribute("line"));
        }
        return out;
    }
}
