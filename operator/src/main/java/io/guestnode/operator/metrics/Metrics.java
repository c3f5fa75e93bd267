package io.guestnode.operator.metrics;

import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.engine.Engine;
import io.guestnode.operator.engine.EngineListener;
import io.guestnode.operator.planner.Action;
import io.guestnode.operator.planner.Event;
import io.guestnode.operator.planner.Observed;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.Planner;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * guestnode's Prometheus metrics, named after ClusterLabs' ha_cluster_exporter with the prefix {@code guestnode_}:
 * nodes and resources by state and fail counts (read from the engine's last snapshot at each scrape), fences by
 * reason, connection losses, the time from a guest's loss to its connection back (a histogram), build info. Counters
 * count from this daemon's start, as Prometheus expects.
 */
public final class Metrics implements EngineListener {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter fences;
    private final Counter losses;
    private final Histogram recovery;
    /** When each guest was lost (connection lost or fence begun), until its connection is back; the loop's only. */
    private final Map<String, Instant> lostAt = new HashMap<>();

    public Metrics(Supplier<Engine.Snapshot> snapshot, String version, String host) {
        Info.builder().name("guestnode_build").help("guestnode's build").labelNames("version")
                .register(registry).addLabelValues(version);
        fences = Counter.builder().name("guestnode_fences_total").help("Fences begun (a guest's VM stopped), by "
                + "reason").labelNames("reason").register(registry);
        losses = Counter.builder().name("guestnode_connection_losses_total").help("Connections to guest nodes' "
                + "pacemaker-remoted lost").labelNames("node").register(registry);
        recovery = Histogram.builder().name("guestnode_recovery_seconds").help("From a guest node's loss (its "
                + "connection lost, or a fence begun) to its connection back")
                .classicUpperBounds(0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300).classicOnly().register(registry);
        GaugeWithCallback.builder().name("guestnode_nodes").help("Nodes by state: this host (member) and its "
                + "guest nodes (remote), 1 for the state each is in").labelNames("node", "type", "status")
                .callback(cb -> {
                    Engine.Snapshot s = snapshot.get();
                    if (s == null) {
                        return;
                    }
                    cb.call(1, host, "member", s.overrides().hostMaintenance() ? "maintenance" : "online");
                    for (VmResource v : s.definitions().vms()) {
                        cb.call(1, v.node(), "remote", NodeStatus.of(v, s));
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("guestnode_resources").help("Resources by role and node, 1 for each "
                + "instance").labelNames("node", "resource", "role", "managed", "agent").callback(cb -> {
                    Engine.Snapshot s = snapshot.get();
                    if (s != null) {
                        resources(s, host, cb);
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("guestnode_fail_count").help("Fail count of each resource on each node")
                .labelNames("node", "resource").callback(cb -> {
                    Engine.Snapshot s = snapshot.get();
                    if (s != null) {
                        s.state().failures().forEach((k, f) -> cb.call(f.count(), k.node(), k.resource()));
                    }
                }).register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    private static void resources(Engine.Snapshot s, String host, GaugeWithCallback.Callback cb) {
        ObservedState st = s.state();
        for (VmResource v : s.definitions().vms()) {
            Observed.VmStatus vs = st.vm(v.id()).status();
            cb.call(1, host, v.id(), vs == Observed.VmStatus.RUNNING ? "Started" : vs == Observed.VmStatus.STOPPED
                    ? "Stopped" : vs == Observed.VmStatus.FAILED ? "Failed" : "Unknown",
                    Boolean.toString(Planner.guestManaged(v, s.overrides())), v.agent().toString());
        }
        for (Service svc : s.definitions().services()) {
            String managed = Boolean.toString(svc.meta().actionable());
            st.services().forEach((k, o) -> {
                if (k.resource().equals(svc.id()) && o.status() != Observed.ServiceStatus.STOPPED) {
                    cb.call(1, k.node(), svc.id(), switch (o.status()) {
                        case RUNNING -> "Started";
                        case FAILED, STOP_FAILED -> "Failed";
                        default -> "Unknown";
                    }, managed, svc.agent().toString());
                }
            });
        }
    }

    @Override
    public void dispatched(Action a, Instant at) {
        if (a instanceof Action.Fence f) {
            fences.labelValues(FenceReason.of(f.reason())).inc();
            lostAt.putIfAbsent(f.node(), at);
        }
    }

    @Override
    public void applied(Event e, ObservedState before, ObservedState after, Instant at) {
        if (e instanceof Event.ConnectionLost l) {
            losses.labelValues(l.node()).inc();
            lostAt.putIfAbsent(l.node(), at);
        } else if (e instanceof Event.ActionFinished f && f.action() instanceof Action.Connect c && f.ok()) {
            Instant since = lostAt.remove(c.node());
            if (since != null) {
                recovery.observe(Duration.between(since, at).toNanos() / 1e9);
            }
        }
    }
}
