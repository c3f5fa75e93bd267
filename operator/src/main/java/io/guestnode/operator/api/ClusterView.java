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

    /**
     * A guest's record: its owner, epoch and phase, the host holding its claim ("" for none), and its target (where it
     * is moving to, or, while running, the host a live migration to failed; "" for none).
     */
    public record Owner(String guest, String owner, long epoch, String phase, String claim, String target) {
        public Owner(String guest, String owner, long epoch, String phase, String claim) {
            this(guest, owner, epoch, phase, claim, "");
        }

        /** The phase as status says it: with where it moves to, or the host a live migration to failed. */
        public String phaseText() {
            if (target.isEmpty()) {
                return phase;
            }
            return switch (phase) {
                case "migrating" -> "migrating live to " + target;
                case "stopping" -> "relocating to " + target;
                case "running" -> "running; live migration to " + target + " failed";
                default -> phase + ", target " + target;
            };
        }
    }
}
