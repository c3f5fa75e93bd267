package io.guestnode.operator.metrics;

import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.engine.Engine;
import io.guestnode.operator.planner.Planner;

/** A guest node's state as ha_cluster_exporter names a node's: online, offline, unclean, maintenance. */
final class NodeStatus {
    private NodeStatus() {
    }

    static String of(VmResource v, Engine.Snapshot s) {
        if (!Planner.guestManaged(v, s.overrides())) {
            return "maintenance";
        }
        if (s.state().guest(v.node()).fenceNeeded()) {
            return "unclean";
        }
        return s.state().connection(v.node()).usable() ? "online" : "offline";
    }
}
