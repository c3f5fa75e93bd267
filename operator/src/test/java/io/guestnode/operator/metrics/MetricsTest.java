package io.guestnode.operator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.DefinitionsLoader;
import io.guestnode.operator.engine.Engine;
import io.guestnode.operator.planner.Action;
import io.guestnode.operator.planner.Event;
import io.guestnode.operator.planner.Observed;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.Overrides;
import io.guestnode.operator.planner.Plan;
import io.guestnode.operator.planner.ResourceNode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics as Prometheus reads them, over HTTP from the endpoint: nodes and resources by state, fail counts, fences
 * by reason, connection losses, recovery time; and the address option's errors.
 */
class MetricsTest {
    static final Instant T0 = Instant.parse("2026-12-02T08:00:00Z");

    static String scrape(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    /** Two LXC guest nodes, g1 and g2, a Dummy pinned in each. */
    static Definitions definitions(Path dir) throws Exception {
        StringBuilder cib = new StringBuilder("<configuration><resources>");
        for (String g : List.of("g1", "g2")) {
            Files.writeString(dir.resolve(g + ".xml"), "<domain type='lxc'><name>" + g + "</name></domain>");
            cib.append("""
                    <primitive id="vm-%1$s" class="ocf" provider="heartbeat" type="VirtualDomain">
                      <instance_attributes id="vm-%1$s-ia"><nvpair id="vm-%1$s-c" name="config" value="%2$s"/>
                        <nvpair id="vm-%1$s-h" name="hypervisor" value="lxc:///"/></instance_attributes>
                      <meta_attributes id="vm-%1$s-m"><nvpair id="vm-%1$s-rn" name="remote-node" value="%1$s"/>
                      </meta_attributes>
                    </primitive>
                    <primitive id="dummy-%1$s" class="ocf" provider="pacemaker" type="Dummy"/>
                    """.formatted(g, dir.resolve(g + ".xml")));
        }
        cib.append("</resources><constraints>");
        for (String g : List.of("g1", "g2")) {
            cib.append("<rsc_location id=\"pin-" + g + "\" rsc=\"dummy-" + g + "\" node=\"" + g
                    + "\" score=\"INFINITY\"/>");
        }
        cib.append("</constraints></configuration>");
        DefinitionsLoader.Result r = new DefinitionsLoader("h1").load(List.of(Files.writeString(
                dir.resolve("cib.xml"), cib)));
        assertTrue(r.ok(), r.problems().toString());
        return r.definitions();
    }

    static boolean has(String text, String line) {
        return text.lines().anyMatch(line::equals);
    }

    @Test
    void whatPrometheusReads(@TempDir Path dir) throws Exception {
        Definitions d = definitions(dir);
        ObservedState.Mutable m = ObservedState.EMPTY.edit();
        m.vms.put("vm-g1", new Observed.Vm(Observed.VmStatus.RUNNING, "running", T0));
        m.vms.put("vm-g2", new Observed.Vm(Observed.VmStatus.STOPPED, "stopped", T0));
        m.connections.put("g1", new Observed.Connection(true, T0));
        m.services.put(new ResourceNode("dummy-g1", "g1"), new Observed.Service(Observed.ServiceStatus.RUNNING,
                Set.of(10_000L), T0));
        m.failures.put(new ResourceNode("dummy-g1", "g1"), new Observed.Failure(2, "monitor", 10_000, 7,
                "complete", "not running", "restart", T0));
        AtomicReference<Engine.Snapshot> snap = new AtomicReference<>(new Engine.Snapshot(d, m.done(),
                Overrides.NONE.withMaintenance("g2", true), new Plan(List.of(), Optional.empty(), Map.of()),
                List.of(), T0, 1));
        Metrics metrics = new Metrics(snap::get, "guestnode 1.2.3", "h1");
        metrics.applied(new Event.ConnectionLost("g1", "eof", 5_000), ObservedState.EMPTY, ObservedState.EMPTY, T0);
        metrics.dispatched(new Action.Fence("g1", "vm-g1", "connection lost: eof"), T0.plusMillis(100));
        metrics.dispatched(new Action.Fence("g2", "vm-g2", "fenced by the operator"), T0.plusMillis(200));
        metrics.applied(Event.ActionFinished.ok(new Action.Connect("g1", "start")), ObservedState.EMPTY,
                ObservedState.EMPTY, T0.plusMillis(1_500));
        MetricsEndpoint e = MetricsEndpoint.start(MetricsEndpoint.parse("127.0.0.1:0").orElseThrow(), metrics)
                .orElseThrow();
        try {
            String text = scrape(e.port());
            for (String line : List.of(
                    "guestnode_build_info{version=\"guestnode 1.2.3\"} 1",
                    "guestnode_nodes{node=\"h1\",status=\"online\",type=\"member\"} 1.0",
                    "guestnode_nodes{node=\"g1\",status=\"online\",type=\"remote\"} 1.0",
                    "guestnode_nodes{node=\"g2\",status=\"maintenance\",type=\"remote\"} 1.0",
                    "guestnode_resources{agent=\"ocf:heartbeat:VirtualDomain\",managed=\"true\",node=\"h1\","
                            + "resource=\"vm-g1\",role=\"Started\"} 1.0",
                    "guestnode_resources{agent=\"ocf:heartbeat:VirtualDomain\",managed=\"false\",node=\"h1\","
                            + "resource=\"vm-g2\",role=\"Stopped\"} 1.0",
                    "guestnode_resources{agent=\"ocf:pacemaker:Dummy\",managed=\"true\",node=\"g1\","
                            + "resource=\"dummy-g1\",role=\"Started\"} 1.0",
                    "guestnode_fail_count{node=\"g1\",resource=\"dummy-g1\"} 2.0",
                    "guestnode_fences_total{reason=\"connection-lost\"} 1.0",
                    "guestnode_fences_total{reason=\"operator\"} 1.0",
                    "guestnode_connection_losses_total{node=\"g1\"} 1.0",
                    "guestnode_recovery_seconds_bucket{le=\"1.0\"} 0",
                    "guestnode_recovery_seconds_bucket{le=\"2.0\"} 1",
                    "guestnode_recovery_seconds_count 1")) {
                assertTrue(has(text, line), line + " in:\n" + text);
            }
            // no snapshot yet (the loop has not planned): nodes and resources are absent, the rest is served
            snap.set(null);
            String early = scrape(e.port());
            assertTrue(early.lines().noneMatch(l -> l.startsWith("guestnode_nodes{")), early);
            assertTrue(has(early, "guestnode_build_info{version=\"guestnode 1.2.3\"} 1"), early);
        } finally {
            e.close();
        }
    }

    @Test
    void theAddressIsCheckedAndNoneTurnsItOff() {
        assertEquals(Optional.empty(), MetricsEndpoint.parse("none"));
        assertEquals(new InetSocketAddress("::1", 9664), MetricsEndpoint.parse("[::1]:9664").orElseThrow());
        assertEquals(9664, MetricsEndpoint.parse(MetricsEndpoint.DEFAULT).orElseThrow().getPort());
        for (String bad : List.of("9664", "localhost:9664", "127.0.0.1:", "127.0.0.1:x", "127.0.0.1:70000")) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> MetricsEndpoint.parse(bad));
            assertTrue(ex.getMessage().startsWith("'" + bad + "'"), ex.getMessage());
        }
    }

    @Test
    void anAddressInUseLeavesTheDaemonWithoutMetricsNotDown(@TempDir Path dir) throws Exception {
        Metrics metrics = new Metrics(() -> null, "v", "h1");
        MetricsEndpoint first = MetricsEndpoint.start(MetricsEndpoint.parse("127.0.0.1:0").orElseThrow(), metrics)
                .orElseThrow();
        try {
            assertEquals(Optional.empty(), MetricsEndpoint.start(new InetSocketAddress("127.0.0.1", first.port()),
                    metrics).map(MetricsEndpoint::port));
        } finally {
            first.close();
        }
    }

    @Test
    void fenceReasonsAreFewClasses() {
        assertEquals("operator", FenceReason.of("fenced by the operator"));
        assertEquals("connection-lost", FenceReason.of("connection lost: poke unanswered for 10 s"));
        assertEquals("connection-start-failed", FenceReason.of("connection failed to start: key rejected"));
        assertEquals("stop-failed", FenceReason.of("stop of dummy1 failed"));
        assertEquals("vm-failed", FenceReason.of("its VM failed"));
        assertEquals("on-fail", FenceReason.of("dummy1 failed to start (on-fail=fence)"));
        assertEquals("shutdown-timeout", FenceReason.of("it announced its shutdown at 10:00:00 but its VM still runs"));
        assertEquals("other", FenceReason.of("anything else"));
    }
}
