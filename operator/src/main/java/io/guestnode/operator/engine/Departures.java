package io.guestnode.operator.engine;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.Overrides;
import java.util.Optional;

/**
 * A guest node leaving this host by live migration, as the control loop sees it: held (observed, never acted on), its
 * connection stopped first when it may not migrate with it ({@code remote-allow-migrate=false}), taken back when the
 * migration failed, let go once it runs elsewhere. Runs on the loop.
 */
public final class Departures {
    private final Engine engine;

    Departures(Engine engine) {
        this.engine = engine;
    }

    /**
     * From now on the guest node is observed and never acted on (its session and its services' monitors go on; its VM
     * leaving this host is no failure). Refused (empty when done), and nothing changed, while an action on it or in
     * it is in flight or when it could not be let go afterwards ({@link LetGo#refusal}); {@code next} are this host's
     * definitions without it.
     */
    public Optional<String> hold(String node, Definitions next) {
        Optional<VmResource> vm = engine.definitions().vmOfNode(node);
        if (vm.isEmpty()) {
            return Optional.of(node + " is not one of this host's guest nodes");
        }
        Optional<String> no = LetGo.refusal(node, vm.get(), engine.state(), next);
        if (no.isEmpty()) {
            engine.overrides(engine.overrides().withMigrating(node, true), node,
                    node + ": migrating live (observed, not acted on)");
        }
        return no;
    }

    /**
     * The services in the guest node stop, then its connection, while its VM runs on (the planner does it:
     * {@link Overrides#connectionsStopped}). Empty once its connection is down and nothing in it is active or in
     * flight; else why not yet (asked again later).
     */
    public Optional<String> stopConnection(String node) {
        if (engine.definitions().vmOfNode(node).isEmpty()) {
            return Optional.of(node + " is not one of this host's guest nodes");
        }
        Overrides o = engine.overrides();
        if (!o.connectionsStopped().contains(node)) {
            engine.overrides(o.withConnectionStopped(node, true), node, node + ": its services and connection stop "
                    + "for its live migration (remote-allow-migrate=false); its VM runs on");
        }
        return LetGo.connectionRunning(node, engine.state());
    }

    /** The live migration ended without leaving this host: it is acted on again (connected again if stopped). */
    public void stayed(String node) {
        Overrides o = engine.overrides();
        if (o.migrating().contains(node) || o.connectionsStopped().contains(node)) {
            engine.overrides(o.withMigrating(node, false).withConnectionStopped(node, false), node,
                    node + ": stays on this host (acted on again)");
        }
    }

    /**
     * Lets go of a guest node that lives on elsewhere (migrated live) without stopping anything in it: its session is
     * closed quietly, it and what runs in it are forgotten, and {@code next} (this host's definitions without it) is
     * taken. Empty when done, else why not ({@link LetGo#refusal}).
     */
    public Optional<String> release(String node, Definitions next) {
        Optional<VmResource> vm = engine.definitions().vmOfNode(node);
        Optional<String> no = vm.flatMap(v -> LetGo.refusal(node, v, engine.state(), next));
        if (no.isPresent()) {
            return no;
        }
        if (vm.isPresent()) {
            engine.forget(node, vm.get(), next, "let go for its live migration (nothing in it stopped)");
        } else {
            engine.replaceDefinitions(next);
        }
        return Optional.empty();
    }
}
