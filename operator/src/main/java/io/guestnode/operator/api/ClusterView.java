package io.guestnode.operator.api;

import java.util.List;

/**
 * What a host among several last read of the cluster (at most a step old; the status never waits for ZooKeeper).
 *
 * @param self   this host
 * @param leader the host holding the leader znode, or "" when none
 * @param fresh  whether this host's lease is fresh (a quorum acknowledged a write within S)
 * @param hosts  the member hosts
 * @param guests each guest's record and claim
 * @param read   when it was read
 * @param digest the digest of this host's definitions
 * @param differ the hosts whose definitions differ from the cluster's (they take no new guest)
 * @param zkWrites the ZooKeeper writes this host made since it started (creates, updates, deletes, transactions)
 * @param zkReads  the ZooKeeper reads this host made since it started
 * @param standby  the hosts an operator put in standby (they run no guest)
 */
public record ClusterView(String self, String leader, boolean fresh, List<String> hosts, List<Owner> guests,
                          String read, String digest, List<String> differ, long zkWrites, long zkReads,
                          List<String> standby) {
    public ClusterView {
        hosts = List.copyOf(hosts);
        guests = List.copyOf(guests);
        differ = List.copyOf(differ);
        standby = List.copyOf(standby);
    }

    /** A guest's record: its owner, epoch and phase, and the host holding its claim ("" for none). */
    public record Owner(String guest, String owner, long epoch, String phase, String claim) {
    }
}
