package io.guestnode.operator.simulate;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.DefinitionsLoader;
import io.guestnode.operator.definitions.Problem;
import io.guestnode.operator.definitions.SourceLocation;
import io.guestnode.operator.definitions.XmlTree;
import io.guestnode.operator.definitions.XmlTree.Element;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A whole CIB read for a simulation: its definitions (read as Pacemaker does, any primitive with
 * {@code remote-node} a guest node), its status, and the cluster node that is the host. One cluster node is read
 * today: the one in {@code <nodes>}, or the one whose {@code node_state} is a member.
 *
 * @param maintenance the cluster property {@code maintenance-mode}
 */
public record CibDocument(Definitions definitions, CibStatus status, boolean maintenance, List<Problem> problems) {
    public CibDocument {
        problems = List.copyOf(problems);
    }

    public boolean ok() {
        return problems.stream().noneMatch(Problem::isError);
    }

    public static CibDocument read(Path file) {
        List<Problem> problems = new ArrayList<>();
        Element root;
        try {
            root = new XmlTree().parse(file);
        } catch (XmlTree.ParseException e) {
            problems.add(Problem.error(e.at(), e.getMessage()));
            return new CibDocument(Definitions.empty("none"), CibStatus.EMPTY, false, problems);
        }
        if (!root.name().equals("cib")) {
            problems.add(Problem.error(root.at(), "root element <" + root.name() + "> is not a <cib> (simulate reads a "
                    + "whole CIB, with its status)"));
            return new CibDocument(Definitions.empty("none"), CibStatus.EMPTY, false, problems);
        }
        CibStatus status = root.child("status").map(s -> CibStatus.read(s, problems::add)).orElse(CibStatus.EMPTY);
        Optional<String> host = host(root, status, file, problems);
        if (host.isEmpty()) {
            return new CibDocument(Definitions.empty("none"), status, false, problems);
        }
        DefinitionsLoader.Result r = new DefinitionsLoader(host.get(), DefinitionsLoader.Purpose.MODEL)
                .load(List.of(file));
        problems.addAll(r.problems());
        return new CibDocument(r.definitions(), status, maintenanceMode(root), problems);
    }

    /** The cluster node: the only one of {@code <nodes>} (remote nodes aside), or the only member in the status. */
    private static Optional<String> host(Element cib, CibStatus status, Path file, List<Problem> problems) {
        Set<String> nodes = new LinkedHashSet<>();
        cib.child("configuration").flatMap(c -> c.child("nodes")).ifPresent(ns -> ns.children("node").stream()
                .filter(n -> !"remote".equals(n.attr("type")))
                .map(n -> n.optAttr("uname").orElse(n.attr("id"))).filter(n -> n != null && !n.isBlank())
                .forEach(nodes::add));
        if (nodes.isEmpty()) {
            status.nodes().values().stream().filter(CibStatus.NodeState::member).map(CibStatus.NodeState::name)
                    .forEach(nodes::add);
        }
        if (nodes.size() != 1) {
            problems.add(Problem.error(new SourceLocation(file, 0), nodes.isEmpty()
                    ? "the CIB names no cluster node (in <nodes> or as a member in <status>)"
                    : "the CIB has " + nodes.size() + " cluster nodes (" + String.join(", ", nodes) + "); simulate "
                    + "reads a CIB with one cluster node, the host"));
            return Optional.empty();
        }
        return Optional.of(nodes.iterator().next());
    }

    private static boolean maintenanceMode(Element cib) {
        return cib.child("configuration").flatMap(c -> c.child("crm_config")).stream()
                .flatMap(c -> c.children("cluster_property_set").stream())
                .flatMap(set -> set.children("nvpair").stream())
                .filter(nv -> "maintenance-mode".equals(nv.attr("name")))
                .anyMatch(nv -> "true".equalsIgnoreCase(nv.attr("value")));
    }
}
