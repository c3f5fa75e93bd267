package io.guestnode.operator.planner;

import io.guestnode.agents.coordination.GuestRecord;
import java.time.Instant;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the leader knows of the hypervisor hosts and of who owns each guest, as read from ZooKeeper, with the
 * instants at which it saw them change: the input of {@link HostPlanner}. Immutable.
 *
 * @param hosts  by host name
 * @param guests by guest node
 */
public record ClusterState(SortedMap<String, Host> hosts, SortedMap<String, Ownership> guests) {
    public ClusterState {
        hosts = Collections.unmodifiableSortedMap(new TreeMap<>(hosts));
        guests = Collections.unmodifiableSortedMap(new TreeMap<>(guests));
    }

    /** A host's standing in the cluster. */
    public enum HostStatus {
        /** A member: its session is alive. */
        ONLINE,
        /** A member that takes no new guests (an operator's standby). */
        STANDBY,
        /** Not a member any more: its session expired (its claims went with it) or it left. */
        LOST,
        /** A fence agent confirmed it is off: proof of death at once. */
        FENCED
    }

    /**
     * @param since         when the leader saw it enter this status
     * @param digestMatches whether its definitions are the cluster's: a host with others acts on nothing
     */
    public record Host(String name, HostStatus status, Instant since, boolean digestMatches) {
        public boolean member() {
            return status == HostStatus.ONLINE || status == HostStatus.STANDBY;
        }
    }

    /**
     * A guest's record and claim.
     *
     * @param record         its record ({@link GuestRecord#NEW} with version -1 when it has none)
     * @param version        the record's version, for the leader's conditional write
     * @param claimHolder    the host whose session holds its claim, if any
     * @param claimGoneSince when the leader saw its claim disappear (EPOCH if it never saw one)
     */
    public record Ownership(GuestRecord record, int version, Optional<String> claimHolder, Instant claimGoneSince) {
        public static final Ownership NONE = new Ownership(GuestRecord.NEW, -1, Optional.empty(), Instant.EPOCH);
    }

    public Optional<Host> host(String name) {
        return Optional.ofNullable(hosts.get(name));
    }

    public Ownership ownership(String guest) {
        return guests.getOrDefault(guest, Ownership.NONE);
    }
}
