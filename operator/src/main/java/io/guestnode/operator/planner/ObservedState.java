package io.guestnode.operator.planner;

import io.guestnode.operator.planner.Observed.Connection;
import io.guestnode.operator.planner.Observed.Failure;
import io.guestnode.operator.planner.Observed.Guest;
import io.guestnode.operator.planner.Observed.Service;
import io.guestnode.operator.planner.Observed.Vm;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything guestnode knows of the world, immutable. Only the control loop replaces it, from events
 * ({@link StateReducer}).
 *
 * @param vms         by VM resource id
 * @param connections by guest node
 * @param services    by (service, guest node); absent means not probed since the connection came up
 * @param failures    by (resource, node): services on guest nodes, VM and connection resources on the host
 * @param guests      health by guest node
 * @param inFlight    keys of the actions being carried out ({@link Action#key()})
 * @param fences      when recent fences began, oldest first (the fence limit counts them)
 */
public record ObservedState(SortedMap<String, Vm> vms, SortedMap<String, Connection> connections,
                            SortedMap<ResourceNode, Service> services, SortedMap<ResourceNode, Failure> failures,
                            SortedMap<String, Guest> guests, SortedSet<String> inFlight, List<Instant> fences) {

    public static final ObservedState EMPTY = new ObservedState(new TreeMap<>(), new TreeMap<>(), new TreeMap<>(),
            new TreeMap<>(), new TreeMap<>(), new TreeSet<>(), List.of());
    /** Fences older than this are forgotten: no fence limit looks further back. */
    public static final java.time.Duration FENCE_MEMORY = java.time.Duration.ofHours(1);

    public ObservedState {
        vms = Collections.unmodifiableSortedMap(new TreeMap<>(vms));
        connections = Collections.unmodifiableSortedMap(new TreeMap<>(connections));
        services = Collections.unmodifiableSortedMap(new TreeMap<>(services));
        failures = Collections.unmodifiableSortedMap(new TreeMap<>(failures));
        guests = Collections.unmodifiableSortedMap(new TreeMap<>(guests));
        inFlight = Collections.unmodifiableSortedSet(new TreeSet<>(inFlight));
        fences = List.copyOf(fences);
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

    public Optional<Failure> failure(String resource, String node) {
        return Optional.ofNullable(failures.get(new ResourceNode(resource, node)));
    }

    public Guest guest(String node) {
        return guests.getOrDefault(node, Guest.CLEAN);
    }

    public boolean busy(String key) {
        return inFlight.contains(key);
    }

    /** A builder-style copy; every {@code with} returns a new state. */
    public Mutable edit() {
        return new Mutable(this);
    }

    /** A scratch copy for one reduction step; {@link #done()} freezes it again. */
    public static final class Mutable {
        public final TreeMap<String, Vm> vms;
        public final TreeMap<String, Connection> connections;
        public final TreeMap<ResourceNode, Service> services;
        public final TreeMap<ResourceNode, Failure> failures;
        public final TreeMap<String, Guest> guests;
        public final TreeSet<String> inFlight;
        public final List<Instant> fences;

        Mutable(ObservedState s) {
            vms = new TreeMap<>(s.vms);
            connections = new TreeMap<>(s.connections);
            services = new TreeMap<>(s.services);
            failures = new TreeMap<>(s.failures);
            guests = new TreeMap<>(s.guests);
            inFlight = new TreeSet<>(s.inFlight);
            fences = new java.util.ArrayList<>(s.fences);
        }

        /** A fence began at {@code now}; fences older than {@link #FENCE_MEMORY} are forgotten. */
        public void fenceBegan(Instant now) {
            fences.removeIf(t -> t.isBefore(now.minus(FENCE_MEMORY)));
            fences.add(now);
        }

        public Guest guest(String node) {
            return guests.getOrDefault(node, Guest.CLEAN);
        }

        /** Forgets every service's state in a guest node (fence, or a new connection): they will be probed. */
        public void eraseServices(String node) {
            services.keySet().removeIf(k -> k.node().equals(node));
        }

        /**
         * A connection came up to a guest whose VM did not stop meanwhile: what was stopped there is forgotten
         * (probed again where it may be placed); what was active is kept as unverified, to be probed there.
         */
        public void reconnected(String node, java.time.Instant now) {
            var it = services.entrySet().iterator();
            while (it.hasNext()) {
                var e = it.next();
                if (!e.getKey().node().equals(node)) {
                    continue;
                }
                if (e.getValue().active()) {
                    e.setValue(new Service(Observed.ServiceStatus.UNVERIFIED, java.util.Set.of(), now));
                } else {
                    it.remove();
                }
            }
        }

        public ObservedState done() {
            return new ObservedState(vms, connections, services, failures, guests, inFlight, fences);
        }
    }
}
