package io.guestnode.operator.api;

import io.guestnode.operator.definitions.CloneSet;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.planner.Placements;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * {@code move}, {@code ban} and {@code clear} of a service, a group or a clone: where it runs among guest nodes, as
 * {@code crm_resource --move/--ban/--clear} place a resource among a cluster's nodes. Checks the names against the
 * definitions (nothing changes when one is wrong) and says what the change is.
 */
final class ServiceMoves {
    private ServiceMoves() {
    }

    /** Whether the name is one these verbs place on guest nodes, or one they refuse naming what to use instead. */
    static boolean names(Definitions d, String resource) {
        return d.service(resource).isPresent() || d.group(resource).isPresent() || d.clone(resource).isPresent();
    }

    /**
     * Why {@code resource} cannot be moved ({@code move}) or banned to or from {@code node}, or cleared (no node); null
     * when it can.
     */
    static Refusal check(Definitions d, String resource, Optional<String> node, boolean move) {
        Optional<Service> svc = d.service(resource);
        if (svc.isPresent() && svc.get().group().isPresent()) {
            return Refusal.refused("'" + resource + "' is a member of group '" + svc.get().group().get() + "': "
                    + "move, ban and clear place the group as a whole");
        }
        Optional<CloneSet> holder = d.cloneOf(resource);
        if (holder.isPresent()) {
            return Refusal.refused("'" + resource + "' is cloned: ban or clear its clone '" + holder.get().id()
                    + "'");
        }
        if (!names(d, resource)) {
            return Refusal.noSuch("unknown resource '" + resource + "'");
        }
        if (move && d.clone(resource).isPresent()) {
            return Refusal.refused("'" + resource + "' is a clone: it runs in every guest node it may, so it is not "
                    + "moved to one (as crm_resource --move refuses a clone); ban it from a guest node instead");
        }
        if (node.isPresent() && !d.guestNodes().contains(node.get())) {
            return Refusal.noSuch("'" + node.get() + "' is not a guest node (guest nodes: "
                    + String.join(", ", d.guestNodes().stream().sorted().toList()) + ")");
        }
        return null;
    }

    /** The change a move or ban makes. */
    static UnaryOperator<Placements> change(String resource, String node, boolean ban, Optional<Instant> until) {
        return p -> ban ? p.withBan(resource, node, until) : p.withMove(resource, node, until);
    }

    /** The services whose rows in status show where {@code resource} runs: itself, or its group's members. */
    static List<String> members(Definitions d, String resource) {
        String unit = d.clone(resource).map(CloneSet::child).orElse(resource);
        return d.group(unit).map(g -> g.members()).orElse(List.of(unit));
    }
}
