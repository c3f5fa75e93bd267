package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.LocationRule;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The definitions the planner works on: the declared ones with the operators' moves and bans of services that count
 * now added as location constraints ({@code cli-prefer-*}, {@code cli-ban-*}), as crm_resource adds them to the CIB.
 * A rule of a resource that is not declared (any more) adds nothing. The last answer is kept while its inputs are the
 * same objects and the same rules count, so that the planner's own reuse (by identity) holds. Owned by one thread.
 */
final class OperatorLocations {
    private Definitions declared;
    private Placements placements;
    private List<Placements.Rule> active;
    private Definitions effective;

    Definitions apply(Definitions d, Placements p, Instant now) {
        if (p.isEmpty()) {
            return d;
        }
        List<Placements.Rule> act = p.active(now);
        if (d == declared && p == placements && act.equals(active)) {
            return effective;
        }
        Set<String> placed = new HashSet<>();
        d.services().forEach(s -> placed.add(s.id()));
        d.groups().forEach(g -> placed.add(g.id()));
        d.clones().forEach(c -> placed.add(c.id()));
        List<LocationRule> rules = act.stream().filter(r -> placed.contains(r.resource()))
                .map(r -> r.location(r.resource())).toList();
        declared = d;
        placements = p;
        active = act;
        effective = rules.isEmpty() ? d : d.withLocations(rules);
        return effective;
    }
}
