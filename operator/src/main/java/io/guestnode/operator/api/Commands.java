package io.guestnode.operator.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.engine.Engine;
import java.time.Duration;
import java.util.function.Supplier;

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
            case ControlRequest.Place p -> {
                placing.guestOf(p.resource()).ifPresent(g -> reply.put("guest", g));
                result(reply, p.ban() ? placing.ban(p.resource(), p.host(), who)
                    : placing.move(p.resource(), p.host(), who), p.ban()
                    ? p.resource() + " banned from " + p.host() + " (until 'guestnode clear " + p.resource() + "')"
                    : p.resource() + " moves to " + p.host() + " (a lasting preference until 'guestnode clear "
                    + p.resource() + "')");
            }
            case ControlRequest.Clear c -> result(reply, placing.clear(c.resource(), who),
                    "cleared the host preference and bans of " + c.resource());
            case ControlRequest.Standby b -> result(reply, placing.standby(b.host(), b.on(), who), b.host()
                    + (b.on() ? " in standby: its guests move away" : " back from standby"));
        }
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
