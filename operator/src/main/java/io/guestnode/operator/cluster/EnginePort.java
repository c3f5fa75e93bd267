package io.guestnode.operator.cluster;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.engine.Engine;
import io.guestnode.operator.planner.Overrides;
import java.time.Duration;

/** What cluster mode needs of this host's engine. */
public interface EnginePort {
    /** This host's definitions from now on (its share of the cluster's). */
    void share(Definitions d) throws InterruptedException;

    Overrides overrides();

    /** Failures of services in a guest node that another host recorded, before the guest comes here. */
    default void adopt(io.guestnode.operator.planner.Event.HistoryAdopted h) {
    }

    /** The failures of the services in {@code node}, by service. */
    default java.util.Map<String, io.guestnode.operator.planner.Observed.Failure> failuresIn(String node) {
        return java.util.Map.of();
    }

    static EnginePort of(Engine e) {
        return new EnginePort() {
            @Override
            public void share(Definitions d) throws InterruptedException {
                e.call(x -> x.replaceDefinitions(d), Duration.ofSeconds(5));
            }

            @Override
            public void adopt(io.guestnode.operator.planner.Event.HistoryAdopted h) {
                e.submit(h);
            }

            @Override
            public java.util.Map<String, io.guestnode.operator.planner.Observed.Failure> failuresIn(String node) {
                java.util.Map<String, io.guestnode.operator.planner.Observed.Failure> out = new java.util.TreeMap<>();
                e.state().failures().forEach((k, f) -> {
                    if (k.node().equals(node)) {
                        out.put(k.resource(), f);
                    }
                });
                return out;
            }

            @Override
            public Overrides overrides() {
                return e.overrides();
            }
        };
    }
}
