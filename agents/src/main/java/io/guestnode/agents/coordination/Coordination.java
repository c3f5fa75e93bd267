package io.guestnode.agents.coordination;

import java.util.Optional;
import java.util.Set;

/**
 * Several hosts' shared truth, kept by a ZooKeeper ensemble: which hosts are members, which host owns each guest, and
 * which host holds each guest's claim. A host may run a guest only while it holds its claim; a claim lives in the
 * claiming host's session and vanishes with it. Every change of a guest's record is a conditional write.
 */
public interface Coordination extends AutoCloseable {
    /** This host's name. */
    String host();

    /** Makes this host a member ({@code hosts/<host>}, living as long as its session), with facts about it. */
    void join(String facts) throws CoordinationException;

    /** The member hosts now. */
    Set<String> hosts() throws CoordinationException;

    /** A guest's record and its version; empty when the guest has none yet. */
    Optional<Versioned<GuestRecord>> guest(String guest) throws CoordinationException;

    /**
     * In one transaction: the guest's record is still at {@code expectedVersion} (-1: it has none), it becomes
     * {@code next}, and this host's claim on the guest is created. Either all of it happens or nothing does.
     */
    ClaimResult claim(String guest, int expectedVersion, GuestRecord next) throws CoordinationException;

    /** Whether this host's session holds the guest's claim now (read from a quorum's view). */
    boolean holdsClaim(String guest) throws CoordinationException;

    /** Which host holds the guest's claim, if any host does. */
    Optional<String> claimHolder(String guest) throws CoordinationException;

    /**
     * Everything at once, for the leader: member hosts, every guest's record (with its version) and who holds each
     * claim. Records that cannot be read as guest records are reported in {@link Snapshot#unreadable()}, never
     * guessed at.
     */
    Snapshot snapshot() throws CoordinationException;

    /** What {@link #snapshot()} read. */
    record Snapshot(Set<String> hosts, java.util.Map<String, Versioned<GuestRecord>> guests,
                    java.util.Map<String, String> claims, java.util.Map<String, String> unreadable) {
        public Snapshot {
            hosts = Set.copyOf(hosts);
            guests = java.util.Map.copyOf(guests);
            claims = java.util.Map.copyOf(claims);
            unreadable = java.util.Map.copyOf(unreadable);
        }
    }

    /**
     * The leader's write of an intent: the guest's record becomes {@code next} if it is still at
     * {@code expectedVersion} (-1: it has none). False, and nothing written, when it changed meanwhile.
     */
    boolean writeRecord(String guest, int expectedVersion, GuestRecord next) throws CoordinationException;

    /**
     * In one transaction: the guest's record is still at {@code expectedVersion}, it becomes {@code next} (another
     * owner), and this host's claim on the guest is deleted. False, and nothing written, when the record changed
     * meanwhile or this host does not hold the claim.
     */
    boolean handOver(String guest, int expectedVersion, GuestRecord next) throws CoordinationException;

    /** Gives up this host's claim on the guest, if it holds it. */
    void release(String guest) throws CoordinationException;

    @Override
    void close();
}
