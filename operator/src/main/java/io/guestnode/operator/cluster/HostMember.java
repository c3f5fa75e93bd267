package io.guestnode.operator.cluster;

import io.guestnode.agents.coordination.ClaimResult;
import io.guestnode.agents.coordination.Coordination;
import io.guestnode.agents.coordination.CoordinationException;
import io.guestnode.agents.coordination.GuestRecord;
import io.guestnode.agents.coordination.Versioned;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host side of several hosts, one step at a time: claims the guests whose record names this host and whose claim
 * nobody holds (placed or recovered here by the leader, or this host's own after its session ended: a transaction from
 * the record's version: owner this host, epoch + 1, and the claim in this host's session), and judges the guests found
 * running here: claimed again when the record still names this host and nobody holds the claim, to be destroyed when
 * the record names another host or another host holds the claim, and left pending while a claim of this host's earlier
 * session has not yet vanished. The guests it holds are what this host's engine may run.
 */
public final class HostMember {
    private static final Logger LOG = LoggerFactory.getLogger(HostMember.class);

    /**
     * What a step found.
     *
     * @param held    the guests whose claims this host's session holds
     * @param destroy guests running here that this host may not run: destroy them now
     * @param pending guests running here whose claim is still held by this host's earlier session
     * @param leaving held guests the leader relocates to another host (phase stopping): this host stops them, then
     *                hands them over ({@link Relocations})
     * @param migrating held guests the leader migrates live to another host (phase migrating) ({@link Migrations})
     * @param read    what the step read
     */
    public record Outcome(Set<String> held, Set<String> destroy, Set<String> pending, Set<String> leaving,
                          Set<String> migrating, Coordination.Snapshot read) {
        public Outcome {
            held = Set.copyOf(held);
            destroy = Set.copyOf(destroy);
            pending = Set.copyOf(pending);
            leaving = Set.copyOf(leaving);
            migrating = Set.copyOf(migrating);
        }

        /** Whether every guest running here is accounted for: held, or about to be destroyed. */
        public boolean settled() {
            return pending.isEmpty();
        }
    }

    private final Coordination zk;
    /** Guests whose claim this session made or confirmed: it stays this session's until the session ends. */
    private final Set<String> confirmed = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Holds holds;
    /** Guests migrating here, as far as this host's arrivals know (a test hook holds their claim). */
    private final java.util.function.Predicate<String> arriving;

    public HostMember(Coordination zk) {
        this(zk, new Holds(Optional.empty()), g -> false);
    }

    HostMember(Coordination zk, Holds holds, java.util.function.Predicate<String> arriving) {
        this.zk = zk;
        this.holds = holds;
        this.arriving = arriving;
    }

    /**
     * After a self-fence: no claim is taken for this session's until a quorum confirms it again. Never waits for a step
     * (one may hang on a silent ensemble).
     */
    public void forget() {
        confirmed.clear();
    }

    /**
     * One step over the defined guest nodes {@code guests}, {@code runningHere} of them found running on this host.
     */
    public synchronized Outcome step(Collection<String> guests, Set<String> runningHere) throws CoordinationException {
        return step(guests, runningHere, true);
    }

    /**
     * One step; with {@code newClaims} false (this host's definitions differ from the cluster's) it claims again only
     * guests running here, and takes no new one.
     */
    public synchronized Outcome step(Collection<String> guests, Set<String> runningHere, boolean newClaims)
            throws CoordinationException {
        Coordination.Snapshot snap = zk.snapshot();
        String me = zk.host();
        Set<String> held = new TreeSet<>();
        Set<String> destroy = new TreeSet<>();
        Set<String> pending = new TreeSet<>();
        confirmed.retainAll(snap.claims().keySet());
        for (String g : guests) {
            Optional<Versioned<GuestRecord>> r = Optional.ofNullable(snap.guests().get(g));
            Optional<String> holder = Optional.ofNullable(snap.claims().get(g));
            boolean mine = r.isPresent() && r.get().value().owner().equals(Optional.of(me));
            boolean running = runningHere.contains(g);
            if (holder.equals(Optional.of(me))) {
                if (confirmed.contains(g) || zk.holdsClaim(g)) {
                    confirmed.add(g);
                    held.add(g);
                } else if (running) {
                    pending.add(g); // this host's earlier session: its claim vanishes within T
                }
            } else if (holder.isPresent()) {
                confirmed.remove(g);
                if (running) {
                    destroy.add(g);
                }
            } else if (mine && (newClaims || running)) {
                if (r.get().value().phase() == GuestRecord.Phase.PLACED && arriving.test(g)) {
                    holds.at(Holds.Step.BEFORE_CLAIM, g); // handed over here after its migration, not yet claimed
                }
                claim(g, r.get(), running).ifPresentOrElse(held::add, () -> {
                    if (running) {
                        destroy.add(g);
                    }
                });
            } else if (running) {
                destroy.add(g);
            }
        }
        Set<String> leaving = new TreeSet<>();
        Set<String> migrating = new TreeSet<>();
        for (String g : held) {
            Versioned<GuestRecord> r = snap.guests().get(g);
            if (r != null && r.value().target().isPresent()) {
                switch (r.value().phase()) {
                    case STOPPING -> leaving.add(g);
                    case MIGRATING -> migrating.add(g);
                    default -> {
                    }
                }
            }
        }
        return new Outcome(held, destroy, pending, leaving, migrating, snap);
    }

    private Optional<String> claim(String g, Versioned<GuestRecord> r, boolean running) throws CoordinationException {
        ClaimResult c = zk.claim(g, r.version(), r.value().claimedBy(zk.host(), GuestRecord.Phase.RUNNING));
        return switch (c) {
            case ClaimResult.Claimed k -> {
                confirmed.add(g);
                LOG.info("{}: claimed (epoch {}{})", g, k.record().epoch(), running ? ", running here already" : "");
                yield Optional.of(g);
            }
            case ClaimResult.Lost l -> {
                LOG.warn("{}: claim lost: {}", g, l.why());
                yield Optional.empty();
            }
        };
    }
}
