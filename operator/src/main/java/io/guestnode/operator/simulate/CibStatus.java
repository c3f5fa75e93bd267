package io.guestnode.operator.simulate;

import io.guestnode.operator.definitions.Problem;
import io.guestnode.operator.definitions.XmlTree.Element;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.function.Consumer;

/**
 * The {@code <status>} section of a CIB, as Pacemaker's controller writes it: each node's state, each resource's
 * operation history on it ({@code lrm_rsc_op}) and its transient attributes (fail counts, last failures).
 *
 * @param nodes by node name, in document order
 */
public record CibStatus(SequencedMap<String, NodeState> nodes) {
    public CibStatus {
        nodes = java.util.Collections.unmodifiableSequencedMap(new LinkedHashMap<>(nodes));
    }

    public static final CibStatus EMPTY = new CibStatus(new LinkedHashMap<>());

    /**
     * One {@code node_state}.
     *
     * @param member     a cluster node that is in the membership and whose controller runs ({@code in_ccm},
     *                   {@code crmd}, {@code join}); false for guest nodes, whose state is their connection's
     * @param history    operation history by resource id, each sorted by call id
     * @param attributes its transient attributes
     */
    public record NodeState(String name, boolean member, SequencedMap<String, List<OpRecord>> history,
                            Map<String, String> attributes) {
        public NodeState {
            history = java.util.Collections.unmodifiableSequencedMap(new LinkedHashMap<>(history));
            attributes = Map.copyOf(attributes);
        }

        public List<OpRecord> history(String resource) {
            return history.getOrDefault(resource, List.of());
        }
    }

    /**
     * One {@code lrm_rsc_op}.
     *
     * @param opStatus     Pacemaker's execution status: 0 done, 1 cancelled, 2 timed out, 4 error, -1 pending ...
     * @param lastRcChange seconds since the epoch
     */
    public record OpRecord(String operation, long intervalMs, int rc, int opStatus, int callId, long lastRcChange,
                           String exitReason) {
        /** The operation ran and returned {@code rc} (not pending, cancelled or timed out). */
        public boolean completed() {
            return opStatus == 0;
        }

        public boolean probe() {
            return operation.equals("monitor") && intervalMs == 0;
        }
    }

    public Optional<NodeState> node(String name) {
        return Optional.ofNullable(nodes.get(name));
    }

    /** Reads {@code <status>}; what it cannot read is reported to {@code problems} and left out. */
    public static CibStatus read(Element status, Consumer<Problem> problems) {
        SequencedMap<String, NodeState> nodes = new LinkedHashMap<>();
        for (Element ns : status.children("node_state")) {
            String name = ns.optAttr("uname").orElse(ns.attr("id"));
            if (name == null || name.isBlank()) {
                problems.accept(Problem.error(ns.at(), ns.describe() + " has neither uname nor id"));
                continue;
            }
            boolean member = "true".equals(ns.attr("in_ccm")) && "online".equals(ns.attr("crmd"))
                    && "member".equals(ns.optAttr("join").orElse("member"));
            SequencedMap<String, List<OpRecord>> history = new LinkedHashMap<>();
            ns.child("lrm").flatMap(l -> l.child("lrm_resources")).ifPresent(rs -> {
                for (Element r : rs.children("lrm_resource")) {
                    String id = r.attr("id");
                    if (id == null) {
                        problems.accept(Problem.error(r.at(), r.describe() + " has no id"));
                        continue;
                    }
                    List<OpRecord> ops = new ArrayList<>();
                    for (Element op : r.children("lrm_rsc_op")) {
                        opRecord(op, problems).ifPresent(ops::add);
                    }
                    ops.sort(Comparator.comparingInt(o -> o.callId() < 0 ? Integer.MAX_VALUE : o.callId()));
                    history.put(id, List.copyOf(ops));
                }
            });
            Map<String, String> attributes = new LinkedHashMap<>();
            ns.child("transient_attributes").ifPresent(ta -> ta.children("instance_attributes")
                    .forEach(set -> set.children("nvpair").forEach(nv -> {
                        if (nv.attr("name") != null && nv.attr("value") != null) {
                            attributes.putIfAbsent(nv.attr("name"), nv.attr("value"));
                        }
                    })));
            nodes.put(name, new NodeState(name, member, history, attributes));
        }
        return new CibStatus(nodes);
    }

    private static Optional<OpRecord> opRecord(Element op, Consumer<Problem> problems) {
        String operation = op.attr("operation");
        if (operation == null) {
            problems.accept(Problem.error(op.at(), op.describe() + " has no operation"));
            return Optional.empty();
        }
        try {
            return Optional.of(new OpRecord(operation, number(op, "interval", "0"), (int) number(op, "rc-code", "0"),
                    (int) number(op, "op-status", "0"), (int) number(op, "call-id", "0"),
                    number(op, "last-rc-change", "0"), op.optAttr("exit-reason").orElse("")));
        } catch (NumberFormatException e) {
            problems.accept(Problem.error(op.at(), op.describe() + ": " + e.getMessage()));
            return Optional.empty();
        }
    }

    private static long number(Element op, String attr, String dflt) {
        String v = op.optAttr(attr).orElse(dflt).trim();
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new NumberFormatException(attr + " '" + v + "' is not an integer");
        }
    }
}
