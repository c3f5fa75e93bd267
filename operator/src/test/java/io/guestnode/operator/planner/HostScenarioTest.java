package io.guestnode.operator.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.agents.coordination.GuestRecord;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.Durations;
import io.guestnode.operator.definitions.XmlTree;
import io.guestnode.operator.definitions.XmlTree.Element;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader's decisions with several hosts ({@link HostPlanner}), one scenario file each under
 * {@code host-scenarios/}: a CIB (from {@code scenarios/}), the cluster as read from ZooKeeper (hosts with their
 * status, guests with owner, epoch, phase and claim), and the intents expected, in order.
 */
class HostScenarioTest {
    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> scenarios() throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("/host-scenarios").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".xml")).sorted().toList();
        }
        assertTrue(files.size() >= 8, "at least 8 host scenarios");
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(f)));
    }

    void run(Path file) throws Exception {
        Element sc = new XmlTree().parse(file);
        Element cibRef = sc.child("cib").orElseThrow();
        Path cibDir = Path.of(getClass().getResource("/scenarios").toURI());
        Definitions d = ScenarioTest.load(cibDir.resolve(cibRef.attr("include")), cibRef.optAttr("host").orElse("h1"),
                tmp);
        Element cl = sc.child("cluster").orElseThrow();
        Instant now = Instant.parse(cl.attr("now"));
        Duration fenceDelay = Durations.parse(cl.optAttr("fence-delay").orElse("6s"));
        ClusterState c = cluster(cl, now);
        Overrides o = ScenarioTest.overrides(sc.child("overrides"));

        HostPlanner.HostPlan plan = HostPlanner.plan(d, c, o, hostOverrides(sc.child("host-overrides")), fenceDelay,
                now);
        String context = "\n" + file.getFileName() + ": " + sc.child("description").map(Element::text).orElse("")
                + "\nnotes: " + plan.notes();
        List<String> expected = sc.child("expect").map(e -> Arrays.stream(e.text().split("\n")).map(String::trim)
                .filter(x -> !x.isEmpty()).toList()).orElse(List.of());
        assertEquals(expected, plan.intents().stream().map(HostIntent::toString).toList(), context);
        for (Element n : sc.children("expect-note")) {
            String note = plan.notes().getOrDefault(n.attr("on"), "");
            assertTrue(note.contains(n.text().trim()), "note on " + n.attr("on") + ": '" + note + "'" + context);
        }
        for (Element w : sc.children("expect-wake")) {
            assertEquals(Optional.of(Instant.parse(w.attr("at"))), plan.wakeAt(), context);
        }
        if (sc.child("expect-no-wake").isPresent()) {
            assertEquals(Optional.empty(), plan.wakeAt(), context);
        }
        for (HostIntent i : plan.intents()) {
            assertEquals(c.ownership(i.guest()).version(), i.version(), "an intent is a write from the version read"
                    + context);
        }
    }

    /** {@code <prefer guest= host= [until=]/>}, {@code <ban guest= host= [until=]/>}, {@code <standby host=/>}. */
    static HostOverrides hostOverrides(Optional<Element> el) {
        HostOverrides h = HostOverrides.NONE;
        for (Element e : el.map(Element::children).orElse(List.of())) {
            h = switch (e.name()) {
                case "prefer" -> h.withPrefer(e.attr("guest"), e.attr("host"), e.optAttr("until").map(Instant::parse));
                case "ban" -> h.withBan(e.attr("guest"), e.attr("host"), e.optAttr("until").map(Instant::parse));
                case "standby" -> h.withStandby(e.attr("host"), true);
                default -> throw new AssertionError("unknown <" + e.name() + "> in <host-overrides>");
            };
        }
        return h;
    }

    static ClusterState cluster(Element cl, Instant now) {
        TreeMap<String, ClusterState.Host> hosts = new TreeMap<>();
        TreeMap<String, ClusterState.Ownership> guests = new TreeMap<>();
        for (Element e : cl.children()) {
            switch (e.name()) {
                case "host" -> hosts.put(e.attr("name"), new ClusterState.Host(e.attr("name"),
                        ClusterState.HostStatus.valueOf(e.optAttr("status").orElse("online").toUpperCase(Locale.ROOT)),
                        e.optAttr("since").map(Instant::parse).orElse(now.minusSeconds(600)),
                        !e.optAttr("digest").orElse("same").equals("other")));
                case "guest" -> {
                    GuestRecord r = new GuestRecord(e.optAttr("owner").filter(x -> !x.isEmpty()),
                            Long.parseLong(e.optAttr("epoch").orElse("1")), GuestRecord.Phase.valueOf(
                            e.optAttr("phase").orElse("running").toUpperCase(Locale.ROOT)),
                            e.optAttr("target").filter(x -> !x.isEmpty()));
                    guests.put(e.attr("node"), new ClusterState.Ownership(r,
                            Integer.parseInt(e.optAttr("version").orElse("1")),
                            e.optAttr("claim").filter(x -> !x.isEmpty()),
                            e.optAttr("claim-gone-since").map(Instant::parse).orElse(Instant.EPOCH)));
                }
                default -> throw new AssertionError("unknown <" + e.name() + "> in <cluster>");
            }
        }
        return new ClusterState(hosts, guests);
    }
}
