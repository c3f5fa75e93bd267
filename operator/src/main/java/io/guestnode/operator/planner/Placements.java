package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.LocationRule;
import io.guestnode.operator.definitions.Score;
import io.guestnode.operator.definitions.SourceLocation;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Operators' location overrides, as {@code crm_resource --move} and {@code --ban} write them: a resource preferred on
 * one node (INFINITY, {@code cli-prefer-RESOURCE}; at most one per resource) or kept off nodes (-INFINITY,
 * {@code cli-ban-RESOURCE-on-NODE}), each until cleared or, given a lifetime, until a time. For a service the node is
 * a guest node; for a guest node, a host. A rule whose time has passed no longer counts (it stays until cleared, as
 * an expired lifetime rule stays in Pacemaker's CIB).
 */
public record Placements(List<Placements.Rule> rules) {
    public static final Placements NONE = new Placements(List.of());
    /** Where the location rules made of the overrides say they come from. */
    static final SourceLocation FROM_OPERATOR = new SourceLocation(Path.of("(operator)"), 0);

    /**
     * One override.
     *
     * @param ban   true: -INFINITY on {@code node}; false: INFINITY
     * @param until when it stops counting; empty: until cleared
     */
    public record Rule(String resource, String node, boolean ban, Optional<Instant> until) {
        public Rule {
            checkName("resource", resource);
            checkName("node", node);
            java.util.Objects.requireNonNull(until, "until");
        }

        public boolean activeAt(Instant now) {
            return until.isEmpty() || now.isBefore(until.get());
        }

        /** The rule as a location constraint of {@code resourceId} (a guest's rule is its VM resource's). */
        public LocationRule location(String resourceId) {
            return ban ? new LocationRule("cli-ban-" + resourceId + "-on-" + node, resourceId, node,
                    Score.MINUS_INFINITY, FROM_OPERATOR)
                    : new LocationRule("cli-prefer-" + resourceId, resourceId, node, Score.PLUS_INFINITY,
                    FROM_OPERATOR);
        }
    }

    public Placements {
        rules = rules.stream().sorted(Comparator.comparing(Rule::resource).thenComparing(Rule::ban)
                .thenComparing(Rule::node)).toList();
        Set<String> seen = new java.util.HashSet<>();
        for (Rule r : rules) {
            if (!seen.add(r.resource() + " " + r.node()) || (!r.ban() && !seen.add(r.resource() + " prefers"))) {
                throw new IllegalArgumentException("two moves or bans of " + r.resource() + (r.ban() ? " on " + r.node()
                        : " (a resource prefers one node at a time)"));
            }
        }
    }

    /** The longest name of a resource or node in a rule. */
    static final int MAX_NAME = 256;

    private static void checkName(String what, String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME
                || !name.chars().allMatch(c -> c > 0x20 && c != 0x7f)) {
            throw new IllegalArgumentException("a move or ban's " + what + " '" + (name == null ? "(none)"
                    : name.length() > 40 ? name.substring(0, 40) + "..." : name).replaceAll("\\p{Cntrl}", "?")
                    + "' is not a name (1 to " + MAX_NAME + " printable characters, no space)");
        }
    }

    /**
     * {@code resource} prefers {@code node} (its preference of another node goes, and a ban from this one is lifted,
     * as crm_resource --move does).
     */
    public Placements withMove(String resource, String node, Optional<Instant> until) {
        List<Rule> out = new ArrayList<>(rules.stream().filter(r -> !r.resource().equals(resource)
                || (r.ban() && !r.node().equals(node))).toList());
        out.add(new Rule(resource, node, false, until));
        return new Placements(out);
    }

    /** {@code resource} must not run on {@code node} (a preference for that node goes). */
    public Placements withBan(String resource, String node, Optional<Instant> until) {
        List<Rule> out = new ArrayList<>(rules.stream().filter(r -> !r.resource().equals(resource)
                || !r.node().equals(node)).toList());
        out.add(new Rule(resource, node, true, until));
        return new Placements(out);
    }

    /** Forgets every override of {@code resource} (crm_resource --clear). */
    public Placements cleared(String resource) {
        return new Placements(rules.stream().filter(r -> !r.resource().equals(resource)).toList());
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** The node {@code resource} prefers now, if any. */
    public Optional<String> preferred(String resource, Instant now) {
        return rules.stream().filter(r -> r.resource().equals(resource) && !r.ban() && r.activeAt(now))
                .map(Rule::node).findFirst();
    }

    /** The nodes {@code resource} is banned from now. */
    public Set<String> banned(String resource, Instant now) {
        Set<String> out = new TreeSet<>();
        rules.stream().filter(r -> r.resource().equals(resource) && r.ban() && r.activeAt(now))
                .forEach(r -> out.add(r.node()));
        return out;
    }

    /** The rules that count at {@code now}. */
    public List<Rule> active(Instant now) {
        return rules.stream().filter(r -> r.activeAt(now)).toList();
    }

    /** The first time after {@code now} at which a rule stops counting, if one will. */
    public Optional<Instant> nextExpiry(Instant now) {
        return rules.stream().flatMap(r -> r.until().stream()).filter(now::isBefore).min(Comparator.naturalOrder());
    }
}
