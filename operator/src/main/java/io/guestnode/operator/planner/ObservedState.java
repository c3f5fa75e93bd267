package io.guestnode.operator.planner;

import io.guestnode.operator.planner.Observed.Connection;
import io.guestnode.operator.planner.Observed.Failure;
import io.guestnode.operator.planner.Observed.Guest;
import io.guestnode.operator.planner.Observed.Service;
import io.guestnode.operator.planner.Observed.Vm;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import org.pcollections.PSortedMap;
import org.pcollections.PSortedSet;
import org.pcollections.TreePMap;
import org.pcollections.TreePSet;

/**
 * Everything guestnode knows of the world, immutable. Only the control loop replaces it, from events
 * ({@link StateReducer}). Its maps are persistent: a new state shares everything an event did not touch with the
 * old one, so folding an event in costs what it touches, never the size of the whole.
 *
 * <ul>
 * <li>{@code vms}: by VM resource id</li>
 * <li>{@code connections}: by guest node</li>
 * <li>{@code services}: by (service, guest node); absent means not probed since the connection came up</li>
 * <li>{@code failures}: by (resource, node): services on guest nodes, VM and connection resources on the host</li>
 * <li>{@code guests}: health by guest node</li>
 * <li>{@code inFlight}: keys of the actions being carried out ({@link Action#key()})</li>
 * <li>{@code fences}: when recent fences began, oldest first (the fence limit counts them)</li>
 * </ul>
 */
public final class ObservedState {
    /** Services ordered by guest node first: what is known in one guest node is one range. */
    static final Comparator<ResourceNode> BY_NODE = Comparator.comparing(ResourceNode::node)
            .thenComparing(ResourceNode::resource);

    public static final ObservedState EMPTY = new ObservedState(TreePMap.empty(), TreePMap.empty(), TreePMap.empty(),
            TreePSet.empty(BY_NODE), TreePMap.empty(), TreePMap.empty(), TreePSet.empty(), List.of());
    /** Fences older than this are forgotten: no fence limit looks further back. */
    public static final java.time.Duration FENCE_MEMORY = java.time.Duration.ofHours(1);

    private final PSortedMap<String, Vm> vms;
    private final PSortedMap<String, Connection> connections;
    private final PSortedMap<ResourceNode, Service> services;
    private final PSortedSet<ResourceNode> servicesByNode;
    private final PSortedMap<ResourceNode, Failure> failures;
    private final PSortedMap<String, Guest> guests;
    private final PSortedSet<String> inFlight;
    private final List<Instant> fences;

    private ObservedState(PSortedMap<String, Vm> vms, PSortedMap<String, Connection> connections,
                          PSortedMap<ResourceNode, Service> services, PSortedSet<ResourceNode> servicesByNode,
                          PSortedMap<ResourceNode, Failure> failures, PSortedMap<String, Guest> guests,
                          PSortedSet<String> inFlight, List<Instant> fences) {
        this.vms = vms;
        this.connections = connections;
        this.services = services;
        this.servicesByNode = servicesByNode;
        this.failures = failures;
        this.guests = guests;
        this.inFlight = inFlight;
        this.fences = List.copyOf(fences);
    }

    public SortedMap<String, Vm> vms() {
        return vms;
    }

    public SortedMap<String, Connection> connections() {
        return connections;
    }

    public SortedMap<ResourceNode, Service> services() {
        return services;
    }

    public SortedMap<ResourceNode, Failure> failures() {
        return failures;
    }

    public SortedMap<String, Guest> guests() {
        return guests;
    }

    public SortedSet<String> inFlight() {
        return inFlight;
    }

    public List<Instant> fences() {
        return fences;
    }

    public Vm vm(String id) {
        return vms.getOrDefault(id, Vm.UNKNOWN);
    }

    public Connection connection(String node) {
        return connections.getOrDefault(node, Connection.DOWN);
    }

    public Optional<Service> service(String id, String node) {
        return Optional.ofNullable(services.get(new ResourceNode(id, node)));
    }

    /** What is known of service {@code id}, by guest node. */
    public SortedMap<ResourceNode, Service> servicesOf(String id) {
        return services.subMap(ResourceNode.first(id), true, ResourceNode.after(id), false);
    }

    /** The failures of resource {@code id}, by node. */
    public SortedMap<ResourceNode, Failure> failuresOf(String id) {
        return failures.subMap(ResourceNode.first(id), true, ResourceNode.after(id), false);
    }

    /** The services known in guest node {@code node}, whatever their state. */
    public SortedSet<ResourceNode> servicesIn(String node) {
        return servicesByNode.subSet(inNode(node), true, afterNode(node), false);
    }

    /** In {@link #BY_NODE} order: the first key of guest node {@code node}, and the first key after its keys. */
    private static ResourceNode inNode(String node) {
        return new ResourceNode("", node);
    }

    private static ResourceNode afterNode(String node) {
        return new ResourceNode("", node + '\0');
    }

    /** Whether any service may be active in guest node {@code node}. */
    public boolean anyActiveIn(String node) {
        for (ResourceNode k : servicesIn(node)) {
            if (services.get(k).active()) {
                return true;
            }
        }
        return false;
    }

    public Optional<Failure> failure(String resource, String node) {
        return Optional.ofNullable(failures.get(new ResourceNode(resource, node)));
    }

    public Guest guest(String node) {
        return guests.getOrDefault(node, Guest.CLEAN);
    }

    public boolean busy(String key) {
        return inFlight.contains(key);
    }

    /** How many in-flight keys begin with {@code prefix}: a range of the sorted set, not a walk over it. */
    public int inFlightWithPrefix(String prefix) {
        return inFlight.subSet(prefix, true, prefix + Character.MAX_VALUE, false).size();
    }

    /** A copy to edit; {@link Mutable#done()} makes the next state. */
    public Mutable edit() {
        return new Mutable(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObservedState s && vms.equals(s.vms) && connections.equals(s.connections)
                && services.equals(s.services) && failures.equals(s.failures) && guests.equals(s.guests)
                && inFlight.equals(s.inFlight) && fences.equals(s.fences);
    }

    @Override
    public int hashCode() {
        return Objects.hash(vms, connections, services, failures, guests, inFlight, fences);
    }

    @Override
    public String toString() {
        return "ObservedState[vms=" + vms + ", connections=" + connections + ", services=" + services + ", failures="
                + failures + ", guests=" + guests + ", inFlight=" + inFlight + ", fences=" + fences + "]";
    }

    /** One reduction step's edit of a state; {@link #done()} freezes it again (the same state if nothing changed). */
    public static final class Mutable {
        private final ObservedState from;
        public final MapEdit<String, Vm> vms;
        public final MapEdit<String, Connection> connections;
        public final MapEdit<ResourceNode, Service> services;
        public final MapEdit<ResourceNode, Failure> failures;
        public final MapEdit<String, Guest> guests;
        public final SetEdit inFlight;
        public final List<Instant> fences;

        Mutable(ObservedState s) {
            from = s;
            vms = new MapEdit<>(s.vms);
            connections = new MapEdit<>(s.connections);
            services = new MapEdit<>(s.services, s.servicesByNode);
            failures = new MapEdit<>(s.failures);
            guests = new MapEdit<>(s.guests);
            inFlight = new SetEdit(s.inFlight);
            fences = new ArrayList<>(s.fences);
        }

        /** A fence began at {@code now}; fences older than {@link #FENCE_MEMORY} are forgotten. */
        public void fenceBegan(Instant now) {
            fences.removeIf(t -> t.isBefore(now.minus(FENCE_MEMORY)));
            fences.add(now);
        }

        public Guest guest(String node) {
            return guests.getOrDefault(node, Guest.CLEAN);
        }

        /** The services known in guest node {@code node}, as they are now in this edit. */
        private List<ResourceNode> servicesIn(String node) {
            return List.copyOf(services.indexRange(inNode(node), afterNode(node)));
        }

        /** Whether a service is known active in guest node {@code node} (running, failed, its stop failed, unverified). */
        public boolean anyActiveIn(String node) {
            return servicesIn(node).stream().anyMatch(k -> services.get(k).active());
        }

        /** Forgets every service's state in a guest node (fence, or a new connection): they will be probed. */
        public void eraseServices(String node) {
            servicesIn(node).forEach(services::remove);
        }

        /**
         * A guest node's VM is down (fenced, or stopped by itself): what was active inside is stopped and keeps its
         * place there, to be recovered in place if the guest comes back (as Pacemaker recovers it); the rest is
         * forgotten. Once a connection comes up again, all of it is probed anew.
         */
        public void guestDown(String node, Instant now) {
            for (ResourceNode k : servicesIn(node)) {
                if (services.get(k).active()) {
                    services.put(k, new Service(Observed.ServiceStatus.STOPPED, java.util.Set.of(), now, true));
                } else {
                    services.remove(k);
                }
            }
        }

        /**
         * A connection came up to a guest: what was stopped there is forgotten (probed again where it may be placed);
         * what was active, or is to restart there after a fence, is kept as unverified, to be probed there.
         */
        public void reconnected(String node, Instant now) {
            for (ResourceNode k : servicesIn(node)) {
                Service was = services.get(k);
                if (was.active() || was.restarting()) {
                    // what was to restart here may have been started again by the guest itself: probed too
                    services.put(k, new Service(Observed.ServiceStatus.UNVERIFIED, java.util.Set.of(), now,
                            was.restarting()));
                } else {
                    services.remove(k);
                }
            }
        }

        public ObservedState done() {
            if (!vms.changed() && !connections.changed() && !services.changed() && !failures.changed()
                    && !guests.changed() && !inFlight.changed() && fences.equals(from.fences)) {
                return from;
            }
            return new ObservedState(vms.done(), connections.done(), services.done(), services.doneIndex(),
                    failures.done(), guests.done(), inFlight.done(), fences);
        }
    }

    /** The in-flight keys while a reduction step edits them. */
    public static final class SetEdit {
        private PSortedSet<String> set;
        private boolean changed;

        SetEdit(PSortedSet<String> set) {
            this.set = set;
        }

        public boolean contains(String key) {
            return set.contains(key);
        }

        /** Whether an action on a service in guest node {@code node} is in flight (its outcome may leave it active). */
        public boolean anyOnServiceIn(String node) {
            return set.stream().anyMatch(k -> Action.OnService.keyIn(k, node));
        }

        public void add(String key) {
            if (!set.contains(key)) {
                set = set.plus(key);
                changed = true;
            }
        }

        public void remove(String key) {
            if (set.contains(key)) {
                set = set.minus(key);
                changed = true;
            }
        }

        boolean changed() {
            return changed;
        }

        PSortedSet<String> done() {
            return set;
        }
    }
}
