package io.guestnode.operator.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.engine.Engine;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.planner.Placements;
import io.guestnode.operator.simulate.LiveImport;
import io.guestnode.operator.simulate.SimulationReport;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** Carries out the control socket's requests on the engine; every change is acknowledged once saved. */
final class Commands {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Engine engine;
    private final Supplier<Refusal> reload;
    private final Duration timeout;
    private final Supplier<ClusterView> cluster;
    private final ClusterVerbs placing;

    Commands(Engine engine, Supplier<Refusal> reload, Duration timeout, Supplier<ClusterView> cluster,
             ClusterVerbs placing) {
        this.engine = engine;
        this.placing = placing;
        this.reload = reload;
        this.cluster = cluster;
        this.timeout = timeout;
    }

    void handle(ControlRequest request, String who, ObjectNode reply) throws InterruptedException {
        switch (request) {
            case ControlRequest.Status s -> {
                Engine.Snapshot snap = engine.snapshot();
                if (snap == null) {
                    reply.put("ok", false).put("error", "guestnode is still starting");
                    return;
                }
                reply.put("ok", true).set("status", JSON.valueToTree(StatusView.of(snap, s.journal())
                        .withCluster(cluster.get())));
            }
            case ControlRequest.Simulate x -> {
                Engine.Snapshot snap = engine.snapshot();
                if (snap == null) {
                    reply.put("ok", false).put("error", "guestnode is still starting");
                    return;
                }
                var report = SimulationReport.of(snap.definitions(), LiveImport.of(snap.definitions(), snap.state()),
                        snap.overrides(), snap.at());
                reply.put("ok", true).set("lines", JSON.valueToTree(report.text()));
            }
            case ControlRequest.Cleanup c -> result(reply, engine.command(e -> {
                if (!known(e, c.resource())) {
                    return unknownResource(c.resource());
                }
                e.cleanup(c.resource(), c.node(), who);
                return null;
            }, timeout), "cleaned up " + c.resource() + c.node().map(n -> " on " + n).orElse(""));
            case ControlRequest.SetRole r -> {
                String verb = r.role() == TargetRole.STOPPED ? "disable" : "enable";
                result(reply, engine.command(e -> {
                    if (!known(e, r.resource())) {
                        return unknownResource(r.resource());
                    }
                    // a guest node named by its name: the target role is its VM resource's
                    String id = e.definitions().vmOfNode(r.resource()).map(v -> v.id()).orElse(r.resource());
                    e.setOverrides(e.overrides().withTargetRole(id, r.role()), verb + " " + id + " by " + who);
                    return null;
                }, timeout), verb + "d " + r.resource());
            }
            case ControlRequest.Fence f -> result(reply, engine.command(e -> {
                if (e.definitions().vmOfNode(f.guest()).isEmpty()) {
                    return Refusal.noSuch("unknown guest node '" + f.guest() + "'");
                }
                e.fence(f.guest(), who);
                return null;
            }, timeout), "fencing " + f.guest() + " (stopping its VM)");
            case ControlRequest.Maintenance m -> {
                String what = "maintenance " + (m.on() ? "on" : "off") + m.guest().map(g -> " for " + g)
                        .orElse(" (host)");
                result(reply, engine.command(e -> {
                    if (m.guest().isPresent() && e.definitions().vmOfNode(m.guest().get()).isEmpty()) {
                        return Refusal.noSuch("unknown guest node '" + m.guest().get() + "'");
                    }
                    e.setOverrides(m.guest().map(g -> e.overrides().withMaintenance(g, m.on()))
                            .orElseGet(() -> e.overrides().withHostMaintenance(m.on())), what + " by " + who);
                    return null;
                }, timeout), what);
            }
            case ControlRequest.Reload r -> result(reply, reload.get(), "definitions reloaded");
            case ControlRequest.Place p -> place(p, who, reply);
            case ControlRequest.Clear c -> clear(c.resource(), who, reply);
            case ControlRequest.Standby b -> result(reply, placing.standby(b.host(), b.on(), who), b.host()
                    + (b.on() ? " in standby: its guests move away" : " back from standby"));
        }
    }

    /** A move or ban: of a guest node among hosts (the cluster's), or of a service among guest nodes. */
    private void place(ControlRequest.Place p, String who, ObjectNode reply) throws InterruptedException {
        Optional<Instant> until = p.lifetime().map(l -> Instant.now().plus(l));
        String lasting = until.map(t -> " until " + t).orElse(" (until 'guestnode clear " + p.resource() + "')");
        String message = p.resource() + (p.ban() ? " banned from " : " moves to ") + p.node() + lasting;
        Definitions d = definitions();
        if (!ServiceMoves.names(d, p.resource())) {
            placing.guestOf(p.resource()).ifPresent(g -> reply.put("guest", g));
            Refusal unknown = unknownAlone(d, p.resource());
            result(reply, unknown != null ? unknown : p.ban() ? placing.ban(p.resource(), p.node(), until, who)
                    : placing.move(p.resource(), p.node(), until, who), message);
            return;
        }
        reply.put("kind", "service");
        ServiceMoves.members(d, p.resource()).forEach(reply.putArray("members")::add);
        placing.decidedBy(p.resource()).ifPresent(h -> reply.put("decidedBy", h));
        String what = (p.ban() ? "ban " + p.resource() + " from " : "move " + p.resource() + " to ") + p.node()
                + until.map(t -> " until " + t).orElse("");
        result(reply, services(d, p.resource(), Optional.of(p.node()), !p.ban(),
                ServiceMoves.change(p.resource(), p.node(), p.ban(), until), what, who), message);
    }

    private void clear(String resource, String who, ObjectNode reply) throws InterruptedException {
        Definitions d = definitions();
        UnaryOperator<Placements> forget = x -> x.cleared(resource);
        if (ServiceMoves.names(d, resource)) {
            reply.put("kind", "service");
            result(reply, services(d, resource, Optional.empty(), false, forget, "clear " + resource, who),
                    "cleared the moves and bans of " + resource);
        } else if (engine.command(e -> !forget.apply(e.overrides().placements()).equals(e.overrides().placements()),
                timeout)) {
            // moves and bans of a resource no longer defined: they can still be forgotten
            reply.put("kind", "service");
            result(reply, changeServices(resource, Optional.empty(), forget, "clear " + resource, who),
                    "cleared the moves and bans of " + resource);
        } else {
            Refusal unknown = unknownAlone(d, resource);
            result(reply, unknown != null ? unknown : placing.clear(resource, who),
                    "cleared the host preference and bans of " + resource);
        }
    }

    /** The definitions that name what a placement verb places: the cluster's with several hosts, else this host's. */
    private Definitions definitions() throws InterruptedException {
        Optional<Definitions> d = placing.definitions();
        return d.isPresent() ? d.get() : engine.command(Engine::definitions, timeout);
    }

    /** On a host that runs alone, a name that is neither a service nor a guest node: nothing to place. */
    private Refusal unknownAlone(Definitions d, String resource) {
        if (placing.definitions().isPresent() || d.vmOfNode(resource).isPresent() || d.vm(resource).isPresent()) {
            return null;
        }
        return unknownResource(resource);
    }

    /**
     * Checks {@code resource} and {@code node} against {@code d} (the cluster's definitions, or this host's), then
     * makes the change of the services' moves and bans.
     */
    private Refusal services(Definitions d, String resource, Optional<String> node, boolean move,
                             UnaryOperator<Placements> change, String what, String who) throws InterruptedException {
        Refusal bad = ServiceMoves.check(d, resource, node, move);
        return bad != null ? bad : changeServices(resource, move ? node : Optional.empty(), change, what, who);
    }

    /** Makes a change of the services' moves and bans without checking names: the cluster's, or the engine's. */
    private Refusal changeServices(String resource, Optional<String> node, UnaryOperator<Placements> change,
                                   String what, String who) throws InterruptedException {
        if (placing.definitions().isPresent()) {
            return placing.services(resource, node, change, what, who);
        }
        return engine.command(e -> {
            e.setOverrides(e.overrides().withPlacements(change.apply(e.overrides().placements())), what + " by "
                    + who);
            return null;
        }, timeout);
    }

    private static boolean known(Engine e, String id) {
        return e.definitions().resourceIds().anyMatch(id::equals) || e.definitions().vmOfNode(id).isPresent();
    }

    private static Refusal unknownResource(String id) {
        return Refusal.noSuch("unknown resource '" + id + "'");
    }

    /** The reply: done with {@code message}, or refused with its kind ({@code "refusal"}) and why. */
    private static void result(ObjectNode reply, Refusal refusal, String message) {
        if (refusal == null) {
            reply.put("ok", true).put("message", message);
        } else {
            reply.put("ok", false).put("error", refusal.message()).put("refusal", refusal.kind().wire());
        }
    }
}
