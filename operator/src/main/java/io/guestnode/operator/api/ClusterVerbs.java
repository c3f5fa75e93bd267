package io.guestnode.operator.api;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.planner.Placements;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The verbs that place guests on hosts: they need several hosts. Each returns null when done, else why not (nothing
 * changed then). With several hosts the cluster also keeps the moves and bans of services ({@link #services}).
 */
public interface ClusterVerbs {
    /**
     * A preference of a guest node (or its VM resource) for {@code host}, until {@link #clear} or until
     * {@code until}.
     */
    Refusal move(String resource, String host, Optional<Instant> until, String who);

    /** A guest node (or its VM resource) must not run on {@code host}, until {@link #clear} or until {@code until}. */
    Refusal ban(String resource, String host, Optional<Instant> until, String who);

    /** The cluster's definitions, when this host is one of several (services are placed among all guest nodes). */
    default Optional<Definitions> definitions() {
        return Optional.empty();
    }

    /**
     * Changes the moves and bans of services the cluster keeps, when this host is one of several; {@code movedTo} is
     * the guest node a move names. Null when done, else why not.
     */
    default Refusal services(String resource, Optional<String> movedTo, UnaryOperator<Placements> change, String what,
                             String who) {
        return Refusal.refused("this host runs alone: its own engine keeps the moves and bans of services");
    }

    /** The host that decides where a service, group or clone runs, when this host is one of several. */
    default Optional<String> decidedBy(String resource) {
        return Optional.empty();
    }

    /** Forgets the guest's preference and bans. */
    Refusal clear(String resource, String who);

    /** Puts {@code host} in standby (its guests move away, it takes none) or back. */
    Refusal standby(String host, boolean on, String who);

    /** The guest node a resource names (a guest node's name or its VM resource's id), if it names one. */
    default Optional<String> guestOf(String resource) {
        return Optional.empty();
    }

    /** This host runs alone: there is nowhere to move anything. */
    ClusterVerbs NONE = new ClusterVerbs() {
        private static final Refusal WHY = Refusal.refused("this host runs alone: moving guests between hosts needs "
                + "several hosts (guestnode run --zookeeper)");

        @Override
        public Refusal move(String resource, String host, Optional<Instant> until, String who) {
            return WHY;
        }

        @Override
        public Refusal ban(String resource, String host, Optional<Instant> until, String who) {
            return WHY;
        }

        @Override
        public Refusal clear(String resource, String who) {
            return WHY;
        }

        @Override
        public Refusal standby(String host, boolean on, String who) {
            return WHY;
        }
    };
}
