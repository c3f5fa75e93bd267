package io.guestnode.operator.cluster;

import io.guestnode.agents.coordination.Coordination;
import io.guestnode.agents.coordination.CoordinationException;
import io.guestnode.agents.coordination.GuestRecord;
import io.guestnode.agents.coordination.Versioned;
import io.guestnode.operator.api.ClusterVerbs;
import io.guestnode.operator.api.Refusal;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.HostOverrides;
import io.guestnode.operator.planner.HostShare;
import io.guestnode.operator.planner.Placements;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * move, ban, clear and standby, written to the cluster's host overrides ({@link HostOverridesDoc}); the leader acts on
 * them at its next step. Each checks its names against the definitions and the member hosts first and changes nothing
 * when one is wrong.
 */
final class HostVerbs implements ClusterVerbs {
    private static final Logger LOG = LoggerFactory.getLogger(HostVerbs.class);

    private final Supplier<Definitions> definitions;
    private final HostOverridesDoc doc;
    private final Coordination zk;

    HostVerbs(Supplier<Definitions> definitions, HostOverridesDoc doc, Coordination zk) {
        this.definitions = definitions;
        this.doc = doc;
        this.zk = zk;
    }

    @Override
    public Refusal move(String resource, String host, Optional<Instant> until, String who) {
        if (guest(resource).isPresent() && member(host) == null) {
            forgetFailedMigration(guest(resource).get()); // first: the move written next may be planned at once
        }
        return onGuest(resource, host, g -> o -> o.withPrefer(g, host, until), "move " + resource + " to " + host
                + lasting(until), who);
    }

    private static String lasting(Optional<Instant> until) {
        return until.map(t -> " until " + t).orElse("");
    }

    /** A move asked again tries a live migration again: the mark of the last failed one goes. */
    private void forgetFailedMigration(String guest) {
        try {
            Optional<Versioned<GuestRecord>> r = zk.guest(guest);
            if (r.isPresent() && r.get().value().phase() == GuestRecord.Phase.RUNNING
                    && r.get().value().target().isPresent()) {
                GuestRecord v = r.get().value();
                zk.writeRecord(guest, r.get().version(), new GuestRecord(v.owner(), v.epoch(), v.phase(),
                        Optional.empty()));
            }
        } catch (CoordinationException e) {
            LOG.warn("{}: the mark of its failed live migration stays: {}", guest, e.getMessage());
        }
    }

    @Override
    public Refusal ban(String resource, String host, Optional<Instant> until, String who) {
        return onGuest(resource, host, g -> o -> o.withBan(g, host, until), "ban " + resource + " from " + host
                + lasting(until), who);
    }

    @Override
    public Optional<Definitions> definitions() {
        return Optional.of(definitions.get());
    }

    /**
     * A service runs among the guests of the host that runs the first guest node of its part of the cluster
     * ({@link HostShare}): a move to a guest node another host runs is refused, naming both.
     */
    @Override
    public Refusal services(String resource, Optional<String> movedTo, UnaryOperator<Placements> change, String what,
                            String who) {
        if (movedTo.isPresent()) {
            Optional<String> by = decidedBy(resource);
            Optional<String> there = ownerOf(movedTo.get());
            if (by.isPresent() && there.isPresent() && !by.equals(there)) {
                return Refusal.refused(resource + " runs among the guest nodes of " + by.get() + ", and "
                        + movedTo.get() + " runs on " + there.get() + ": move " + movedTo.get() + " to " + by.get()
                        + " first (guestnode move " + movedTo.get() + " " + by.get() + ")");
            }
        }
        return write(o -> o.withServices(change), what, who);
    }

    @Override
    public Optional<String> decidedBy(String resource) {
        return HostShare.leadGuest(definitions.get(), resource).flatMap(this::ownerOf);
    }

    private Optional<String> ownerOf(String guest) {
        try {
            return zk.guest(guest).flatMap(r -> r.value().owner());
        } catch (CoordinationException e) {
            return Optional.empty();
        }
    }

    @Override
    public Refusal clear(String resource, String who) {
        Optional<String> g = guest(resource);
        if (g.isEmpty()) {
            return unknown(resource);
        }
        return write(o -> o.cleared(g.get()), "clear " + resource, who);
    }

    @Override
    public Refusal standby(String host, boolean on, String who) {
        if (on) {
            Refusal bad = member(host);
            if (bad != null) {
                return bad;
            }
        }
        return write(o -> o.withStandby(host, on), (on ? "standby " : "unstandby ") + host, who);
    }

    private Refusal onGuest(String resource, String host, Function<String, Function<HostOverrides, HostOverrides>> f,
                           String what, String who) {
        Optional<String> g = guest(resource);
        if (g.isEmpty()) {
            return unknown(resource);
        }
        Refusal bad = member(host);
        return bad != null ? bad : write(f.apply(g.get()), what, who);
    }

    @Override
    public Optional<String> guestOf(String resource) {
        return guest(resource);
    }

    /** The guest node a resource names: a guest node's name or its VM resource's id. */
    private Optional<String> guest(String resource) {
        Definitions d = definitions.get();
        return d.vmOfNode(resource).or(() -> d.vm(resource)).map(VmResource::node);
    }

    private Refusal unknown(String resource) {
        return Refusal.noSuch("unknown guest node or VM resource '" + resource + "'");
    }

    private Refusal member(String host) {
        try {
            Set<String> hosts = zk.hosts();
            return hosts.contains(host) ? null : Refusal.noSuch("'" + host + "' is not a host of the cluster "
                    + "(members: " + String.join(", ", new TreeSet<>(hosts)) + ")");
        } catch (CoordinationException e) {
            return Refusal.refused("the cluster's hosts cannot be read: " + e.getMessage());
        }
    }

    private Refusal write(Function<HostOverrides, HostOverrides> change, String what, String who) {
        try {
            String why = doc.update(change);
            if (why == null) {
                LOG.info("{} by {}", what, who);
                return null;
            }
            return Refusal.refused(why);
        } catch (CoordinationException e) {
            return Refusal.refused("not written (" + e.getMessage() + "); nothing changed");
        }
    }
}
