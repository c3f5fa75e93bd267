package io.guestnode.operator.engine;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.ResourceNode;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Letting go of a guest node that lives on elsewhere (migrated live) without stopping anything in it: when that is
 * allowed, and the state without it. No I/O.
 */
final class LetGo {
    private LetGo() {
    }

    /** The services observed in the guest node. */
    static Set<String> inside(String node, ObservedState s) {
        return s.services().keySet().stream().filter(k -> k.node().equals(node)).map(ResourceNode::resource)
                .collect(Collectors.toSet());
    }

    /**
     * Why the guest cannot be let go now (an action on it or in it is in flight) or at all (a service active in it
     * stays in {@code next}, this host's definitions without it: this host would start it again elsewhere while it
     * runs on); empty when it can.
     */
    static Optional<String> refusal(String node, VmResource vm, ObservedState s, Definitions next) {
        if (s.busy("vm:" + vm.id()) || s.busy("conn:" + node)
                || s.inFlight().stream().anyMatch(k -> k.endsWith("@" + node))) {
            return Optional.of("an action on " + node + " or in it is in flight");
        }
        Set<String> active = s.services().entrySet().stream()
                .filter(e -> e.getKey().node().equals(node) && e.getValue().active())
                .map(e -> e.getKey().resource()).collect(Collectors.toSet());
        return next.services().stream().map(Service::id).filter(active::contains).findFirst()
                .map(x -> x + " runs in " + node + " but stays with this host");
    }

    /**
     * Why the guest node's connection is not yet stopped with nothing in it active (its connection up, an action on
     * it or in it in flight, a service in it active); empty once it is.
     */
    static Optional<String> connectionRunning(String node, ObservedState s) {
        if (s.busy("conn:" + node) || s.inFlight().stream().anyMatch(k -> k.endsWith("@" + node))) {
            return Optional.of("an action on " + node + " or in it is in flight");
        }
        if (s.anyActiveIn(node)) {
            return Optional.of("services still run in " + node);
        }
        if (s.connection(node).up()) {
            return Optional.of("the connection to " + node + " is still up");
        }
        return Optional.empty();
    }

    /** The state without the guest node: its VM, its connection, the services and failures in it. */
    static ObservedState forget(String node, VmResource vm, ObservedState s) {
        ObservedState.Mutable m = s.edit();
        m.vms.remove(vm.id());
        m.connections.remove(node);
        m.guests.remove(node);
        s.services().keySet().stream().filter(k -> k.node().equals(node)).forEach(m.services::remove);
        s.failures().keySet().stream().filter(k -> k.node().equals(node)).forEach(m.failures::remove);
        return m.done();
    }
}
