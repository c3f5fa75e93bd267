package io.guestnode.operator.cluster;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.engine.Engine;
import io.guestnode.operator.planner.Event;
import io.guestnode.operator.planner.Observed.Failure;
import io.guestnode.operator.planner.Overrides;
import io.guestnode.operator.planner.Placements;
import io.guestnode.operator.planner.ResourceNode;
import java.time.Duration;
import java.util.Collections;
import java.util.SortedMap;

/** What cluster mode needs of this host's engine. */
public interface EnginePort {
    /** This host's definitions from now on (its share of the cluster's). */
    void share(Definitions d) throws InterruptedException;

    Overrides overrides();

    /** Who decides whether this host still owns a guest after another client took its remoted over. */
    default void ownership(java.util.function.Predicate<String> stillOwner) {
    }

    /** Failures of services in a guest node that another host recorded, before the guest comes here. */
    default void adopt(Event.HistoryAdopted h) {
    }

    /**
     * Every failure the engine knows, by resource and node: the same map while nothing changed (the engine's state is
     * persistent), so a caller can tell a change by identity.
     */
    default SortedMap<ResourceNode, Failure> failures() {
        return Collections.emptySortedMap();
    }

    /** The guest nodes the engine still works on (a removed one until it is stopped); empty before it runs. */
    default java.util.Optional<java.util.Set<String>> working() {
        return java.util.Optional.empty();
    }

    /**
     * Lets go of a guest that migrates away, without stopping anything in it; {@code next} are this host's definitions
     * without it. Empty when done, else why not.
     */
    default java.util.Optional<String> release(String guest, Definitions next) {
        return java.util.Optional.of("this engine cannot let go of a guest");
    }

    /**
     * The guest begins to migrate live away from this host: the engine observes it and no longer acts on it. Empty when
     * done, else why not; {@code next} are this host's definitions without it.
     */
    default java.util.Optional<String> migrating(String guest, Definitions next) {
        return java.util.Optional.of("this engine cannot hold a guest for its migration");
    }

    /**
     * The guest migrates with {@code remote-allow-migrate=false}: the engine stops the services in it and its
     * connection, its VM kept running. Empty once done, else why not yet.
     */
    default java.util.Optional<String> stopConnection(String guest) {
        return java.util.Optional.of("this engine cannot stop a guest's connection for its migration");
    }

    /** The guest's live migration ended and it runs on here: the engine acts on it again. False when not done. */
    default boolean stayed(String guest) {
        return true;
    }

    /** Records an event of the cluster in the engine's journal. */
    default void note(String what) {
    }

    /** The moves and bans of services the cluster keeps: the engine plans with them from now on. */
    default void placements(Placements p) {
    }

    /** Gives the engine the cluster's moves and bans of services when they differ from those it plans with. */
    default void follow(Placements p) {
        if (!overrides().placements().equals(p)) {
            placements(p);
        }
    }

    static EnginePort of(Engine e) {
        return new EnginePort() {
            @Override
            public void share(Definitions d) throws InterruptedException {
                e.call(x -> x.replaceDefinitions(d), Duration.ofSeconds(5));
            }

            @Override
            public void adopt(Event.HistoryAdopted h) {
                e.submit(h);
            }

            @Override
            public void ownership(java.util.function.Predicate<String> stillOwner) {
                e.ownership(stillOwner);
            }

            @Override
            public SortedMap<ResourceNode, Failure> failures() {
                return e.state().failures();
            }

            @Override
            public Overrides overrides() {
                return e.overrides();
            }

            @Override
            public java.util.Optional<java.util.Set<String>> working() {
                Engine.Snapshot s = e.snapshot();
                return s == null ? java.util.Optional.empty()
                        : java.util.Optional.of(java.util.Set.copyOf(s.definitions().guestNodes()));
            }

            @Override
            public java.util.Optional<String> release(String guest, Definitions next) {
                return onLoop(e, x -> x.departures().release(guest, next), why -> java.util.Optional.of(why));
            }

            @Override
            public java.util.Optional<String> migrating(String guest, Definitions next) {
                return onLoop(e, x -> x.departures().hold(guest, next), why -> java.util.Optional.of(why));
            }

            @Override
            public java.util.Optional<String> stopConnection(String guest) {
                return onLoop(e, x -> x.departures().stopConnection(guest), why -> java.util.Optional.of(why));
            }

            @Override
            public boolean stayed(String guest) {
                return onLoop(e, x -> {
                    x.departures().stayed(guest);
                    return true;
                }, why -> false);
            }

            @Override
            public void placements(Placements p) {
                onLoop(e, x -> {
                    if (!x.overrides().placements().equals(p)) {
                        x.setOverrides(x.overrides().withPlacements(p), "moves and bans of services as the cluster "
                                + "keeps them: " + (p.isEmpty() ? "none" : p.rules().size()));
                    }
                    return null;
                }, why -> null);
            }

            @Override
            public void note(String what) {
                onLoop(e, x -> {
                    x.note(what);
                    return null;
                }, why -> null);
            }
        };
    }

    /**
     * Runs {@code f} on the engine's loop; when the loop does not take it within 5 s (it is then withdrawn, never
     * carried out) or the wait is interrupted, the answer is {@code otherwise} of why.
     */
    private static <T> T onLoop(Engine e, java.util.function.Function<Engine, T> f,
                                java.util.function.Function<String, T> otherwise) {
        try {
            return e.call(f, Duration.ofSeconds(5));
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return otherwise.apply("interrupted");
        } catch (RuntimeException ex) {
            return otherwise.apply("the control loop did not take it: " + ex.getMessage());
        }
    }
}
