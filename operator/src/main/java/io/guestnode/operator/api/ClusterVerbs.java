package io.guestnode.operator.api;

/**
 * The verbs that place guests on hosts: they need several hosts. Each returns null when done, else why not (nothing
 * changed then).
 */
public interface ClusterVerbs {
    /** A lasting preference of a guest node (or its VM resource) for {@code host}, until {@link #clear}. */
    Refusal move(String resource, String host, String who);

    /** A guest node (or its VM resource) must not run on {@code host}, until {@link #clear}. */
    Refusal ban(String resource, String host, String who);

    /** Forgets the guest's preference and bans. */
    Refusal clear(String resource, String who);

    /** Puts {@code host} in standby (its guests move away, it takes none) or back. */
    Refusal standby(String host, boolean on, String who);

    /** The guest node a resource names (a guest node's name or its VM resource's id), if it names one. */
    default java.util.Optional<String> guestOf(String resource) {
        return java.util.Optional.empty();
    }

    /** This host runs alone: there is nowhere to move anything. */
    ClusterVerbs NONE = new ClusterVerbs() {
        private static final Refusal WHY = Refusal.refused("this host runs alone: moving guests between hosts needs "
                + "several hosts (guestnode run --zookeeper)");

        @Override
        public Refusal move(String resource, String host, String who) {
            return WHY;
        }

        @Override
        public Refusal ban(String resource, String host, String who) {
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
