package io.guestnode.operator.definitions;

import io.guestnode.operator.definitions.XmlTree.Element;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Reads the constraints of a CIB: locations, orders and colocations, each checked against the resources. */
final class ConstraintReader {
    private final Findings findings;
    private final Function<Element, String> requireId;
    private final String hostNode;
    private final Map<String, Element> declared;
    private final List<VmResource> vms;
    private final List<Group> groups;
    private final List<CloneSet> clones;

    ConstraintReader(Findings findings, Function<Element, String> requireId, String hostNode,
                     Map<String, Element> declared, List<VmResource> vms, List<Group> groups,
                     List<CloneSet> clones) {
        this.findings = findings;
        this.requireId = requireId;
        this.hostNode = hostNode;
        this.declared = declared;
        this.vms = vms;
        this.groups = groups;
        this.clones = clones;
    }

    /** Reads an {@code rsc_location}; {@code nodes} are the host and guest nodes it may name without a warning. */
    Optional<LocationRule> location(Element c, Set<String> nodes) {
        String id = requireId.apply(c);
        if (c.attr("rsc-pattern") != null) {
            findings.error(c.at(), c.describe() + ": rsc-pattern is not supported");
            return Optional.empty();
        }
        if (!c.children().isEmpty()) {
            findings.error(c.children().get(0).at(), c.describe() + ": " + (c.children().get(0).name().equals("rule")
                    ? "rules are not supported" : "resource sets are not supported") + "; use rsc and node");
            return Optional.empty();
        }
        String rsc = c.attr("rsc");
        String node = c.attr("node");
        if (id == null || rsc == null || node == null) {
            findings.error(c.at(), c.describe() + " needs id, rsc and node");
            return Optional.empty();
        }
        if (c.attr("role") != null && !"Started".equalsIgnoreCase(c.attr("role"))) {
            findings.error(c.at(), c.describe() + ": role '" + c.attr("role") + "' is not supported");
        }
        if (!declared.containsKey(rsc)) {
            findings.error(c.at(), c.describe() + ": resource '" + rsc + "' does not exist");
            return Optional.empty();
        }
        Score score;
        try {
            score = Score.parse(c.optAttr("score").orElse("0"));
        } catch (IllegalArgumentException e) {
            findings.error(c.at(), c.describe() + ": " + e.getMessage());
            return Optional.empty();
        }
        if (!nodes.contains(node)) {
            findings.warn(c.at(), c.describe() + ": node '" + node + "' is neither the host nor a guest node");
        }
        boolean isVm = vms.stream().anyMatch(v -> v.id().equals(rsc));
        if (isVm && !node.equals(hostNode) && score.value() > 0 && vms.stream().anyMatch(v -> v.node().equals(node))) {
            findings.error(c.at(), c.describe() + ": VM resource '" + rsc + "' cannot run inside guest node '" + node
                    + "' (guests are not nested)");
            return Optional.empty();
        }
        return Optional.of(new LocationRule(id, rsc, node, score, c.at()));
    }

    /** Reads an {@code rsc_order}. */
    Optional<OrderRule> order(Element c) {
        String id = requireId.apply(c);
        if (!c.children().isEmpty()) {
            findings.error(c.children().get(0).at(), c.describe() + ": resource sets are not supported; use first and then");
            return Optional.empty();
        }
        String first = c.attr("first");
        String then = c.attr("then");
        if (id == null || first == null || then == null) {
            findings.error(c.at(), c.describe() + " needs id, first and then");
            return Optional.empty();
        }
        boolean ok = true;
        for (String r : List.of(first, then)) {
            if (!declared.containsKey(r)) {
                findings.error(c.at(), c.describe() + ": resource '" + r + "' does not exist");
                ok = false;
            }
        }
        for (String a : List.of("first-action", "then-action")) {
            String v = c.attr(a);
            if (v != null && !v.equals("start") && !(a.equals("then-action") && v.equals("start"))) {
                findings.error(c.at(), c.describe() + ": " + a + " '" + v + "' is not supported (only start)");
                ok = false;
            }
        }
        OrderRule.Kind kind = OrderRule.Kind.MANDATORY;
        String k = c.attr("kind");
        if (k != null) {
            switch (k) {
                case "Mandatory" -> kind = OrderRule.Kind.MANDATORY;
                case "Optional" -> kind = OrderRule.Kind.OPTIONAL;
                case "Serialize" -> kind = OrderRule.Kind.SERIALIZE;
                default -> {
                    findings.error(c.at(), c.describe() + ": kind '" + k + "' is not Mandatory, Optional or Serialize");
                    ok = false;
                }
            }
        } else if (c.attr("score") != null) {
            try {
                kind = Score.parse(c.attr("score")).value() > 0 ? OrderRule.Kind.MANDATORY : OrderRule.Kind.OPTIONAL;
            } catch (IllegalArgumentException e) {
                findings.error(c.at(), c.describe() + ": " + e.getMessage());
                ok = false;
            }
        }
        boolean symmetrical = kind != OrderRule.Kind.SERIALIZE;
        if (c.attr("symmetrical") != null) {
            Optional<Boolean> b = findings.bool(c.at(), c.describe() + ": symmetrical", c.attr("symmetrical"));
            ok &= b.isPresent();
            symmetrical = b.orElse(symmetrical);
        }
        return ok ? Optional.of(new OrderRule(id, first, then, kind, symmetrical, c.at())) : Optional.empty();
    }

    /**
     * Reads an {@code rsc_colocation} between two services or groups (a service in a group is placed with its
     * group: colocate the group). VM resources run on hosts, not in guest nodes: a colocation naming one is refused.
     */
    Optional<ColocationRule> colocation(Element c) {
        String id = requireId.apply(c);
        if (!c.children().isEmpty()) {
            findings.error(c.children().get(0).at(), c.describe() + ": resource sets are not supported; use rsc and "
                    + "with-rsc");
            return Optional.empty();
        }
        String rsc = c.attr("rsc");
        String with = c.attr("with-rsc");
        if (id == null || rsc == null || with == null) {
            findings.error(c.at(), c.describe() + " needs id, rsc and with-rsc");
            return Optional.empty();
        }
        boolean ok = true;
        for (String a : List.of("rsc-role", "with-rsc-role")) {
            String v = c.attr(a);
            if (v != null && !v.equalsIgnoreCase("Started")) {
                findings.error(c.at(), c.describe() + ": " + a + " '" + v + "' is not supported (only Started)");
                ok = false;
            }
        }
        String attr = c.attr("node-attribute");
        if (attr != null && !attr.equals("#uname")) {
            findings.error(c.at(), c.describe() + ": node-attribute '" + attr + "' is not supported (only #uname)");
            ok = false;
        }
        for (String r : List.of(rsc, with)) {
            ok &= colocatable(c, r);
        }
        if (ok && rsc.equals(with)) {
            findings.error(c.at(), c.describe() + ": '" + rsc + "' cannot be colocated with itself");
            ok = false;
        }
        if (c.attr("score") == null) {
            findings.error(c.at(), c.describe() + " needs a score (INFINITY, -INFINITY or an integer)");
            return Optional.empty();
        }
        Score score;
        try {
            score = Score.parse(c.attr("score"));
        } catch (IllegalArgumentException e) {
            findings.error(c.at(), c.describe() + ": " + e.getMessage());
            return Optional.empty();
        }
        if (ok && score.value() == 0) {
            findings.warn(c.at(), c.describe() + ": a score of 0 has no effect");
        }
        return ok ? Optional.of(new ColocationRule(id, rsc, with, score, c.at())) : Optional.empty();
    }

    private boolean colocatable(Element c, String r) {
        if (!declared.containsKey(r)) {
            findings.error(c.at(), c.describe() + ": resource '" + r + "' does not exist");
            return false;
        }
        if (vms.stream().anyMatch(v -> v.id().equals(r))) {
            findings.error(c.at(), c.describe() + ": '" + r + "' is a VM resource; colocations place services and "
                    + "groups in guest nodes, not guests on hosts");
            return false;
        }
        for (CloneSet c2 : clones) {
            if (c2.child().equals(r)) {
                findings.error(c.at(), c.describe() + ": '" + r + "' is held by clone '" + c2.id()
                        + "', which places it; colocate the clone");
                return false;
            }
        }
        for (Group g : groups) {
            if (g.members().contains(r)) {
                findings.error(c.at(), c.describe() + ": '" + r + "' is a member of group '" + g.id()
                        + "', which places it; colocate the group");
                return false;
            }
        }
        return true;
    }
}
