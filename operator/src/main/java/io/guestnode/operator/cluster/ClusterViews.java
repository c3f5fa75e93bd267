package io.guestnode.operator.cluster;

import io.guestnode.agents.coordination.Coordination;
import io.guestnode.operator.api.ClusterView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** What status shows of the cluster, from one step's read. */
final class ClusterViews {
    private ClusterViews() {
    }

    static ClusterView of(Coordination.Snapshot snap, String self, String leader, String digest, Set<String> differ,
                          Set<String> standby) {
        List<ClusterView.Owner> owners = new ArrayList<>();
        new TreeMap<>(snap.guests()).forEach((g, r) -> owners.add(new ClusterView.Owner(g,
                r.value().owner().orElse(""), r.value().epoch(), r.value().phase().name().toLowerCase(Locale.ROOT),
                snap.claims().getOrDefault(g, ""), r.value().target().orElse(""))));
        return new ClusterView(self, leader, true, new TreeSet<>(snap.hosts()).stream().toList(), owners,
                Instant.now().toString(), digest, List.copyOf(differ), 0, 0,
                new TreeSet<>(standby).stream().toList());
    }
}
