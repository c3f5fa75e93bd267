package io.guestnode.operator.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.Durations;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.definitions.XmlTree;
import io.guestnode.operator.definitions.XmlTree.Element;
import io.guestnode.operator.planner.Observed.Failure;
import io.guestnode.operator.planner.Observed.Guest;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every planner scenario in src/test/resources/scenarios: a CIB configuration, the observed state, the
 * events that happen (folded in by the reducer), and the actions the planner must propose, in order.
 */
class ScenarioTest {
    static final Pattern DOMAIN_REF = Pattern.compile("@DOMAINS@/([A-Za-z0-9_.-]+)\\.xml");

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> scenarios() throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("/scenarios").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".xml")).sorted().toList();
        }
        assertTrue(files.stream().filter(f -> !f.getFileName().toString().startsWith("_")).count() >= 25,
                "at least 25 scenarios");
        return files.stream().filter(f -> !f.getFileName().toString().startsWith("_"))
                .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(dir, f)));
    }

    void run(Path dir, Path file) throws Exception {
        XmlTree xml = new XmlTree();
        Element sc = xml.parse(file);
        Element cibRef = sc.child("cib").orElseThrow(() -> new AssertionError(file + ": no <cib>"));
        Path cibFile = dir.resolve(cibRef.attr("include"));
        String host = cibRef.optAttr("host").orElse("host1");
        Definitions d = load(cibFile, host);

        Element obs = sc.child("observed").orElseThrow();
        Instant now = Instant.parse(obs.optAttr("now").orElse("2026-01-01T00:00:00Z"));
        ObservedState s = observed(obs, now);
        Overrides o = overrides(sc.child("overrides"));
        for (Element ev : sc.child("events").map(Element::children).orElse(List.of())) {
            Instant at = ev.optAttr("at").map(Instant::parse).orElse(now);
            s = StateReducer.apply(d, o, s, event(d, ev), at);
        }
        // the overrides may change between the events and the plan (an operator's command)
        if (sc.child("plan-overrides").isPresent()) {
            o = overrides(sc.child("plan-overrides"));
        }
        HostPolicy policy = sc.child("host-policy").flatMap(h -> h.optAttr("fence-limit"))
                .map(HostPolicy::parseFenceLimit).orElse(HostPolicy.DEFAULT);
        int slots = sc.child("host-policy").flatMap(h -> h.optAttr("node-action-limit")).map(Integer::parseInt)
                .orElse(policy.nodeActionLimit());
        policy = policy.withNodeActionLimit(slots);
        Plan plan = Planner.plan(d, s, o, policy, now);
        List<String> actual = plan.actions().stream().map(Action::toString).toList();
        List<String> expected = sc.child("expect").map(e -> Arrays.stream(e.text().split("\n")).map(String::trim)
                .filter(l -> !l.isEmpty()).toList()).orElse(List.of());
        String context = "\n" + file.getFileName() + ": " + sc.child("description").map(Element::text).orElse("")
                + "\nnotes: " + plan.notes() + "\nstate: " + s;
        assertEquals(expected, actual, context);
        for (Element n : sc.children("expect-note")) {
            String note = plan.notes().get(n.attr("on"));
            assertTrue(note != null && note.contains(n.text()), "note on " + n.attr("on") + " should contain '"
                    + n.text() + "' but is '" + note + "'" + context);
        }
        for (Element w : sc.children("expect-wake")) {
            assertEquals(Optional.of(Instant.parse(w.attr("at"))), plan.wakeAt(), context);
        }
        for (Element f : sc.children("expect-failure")) {
            Optional<Failure> fail = s.failure(f.attr("resource"), f.attr("node"));
            assertTrue(fail.isPresent(), "failure of " + f.attr("resource") + " on " + f.attr("node") + context);
            if (f.attr("count") != null) {
                assertEquals(f.attr("count"), fail.get().count() >= 1_000_000 ? "INFINITY"
                        : Long.toString(fail.get().count()), context);
            }
            if (f.attr("reason") != null) {
                assertTrue(fail.get().reason().contains(f.attr("reason")), fail.get() + context);
            }
        }
        for (Element f : sc.children("expect-no-failure")) {
            assertTrue(s.failure(f.attr("resource"), f.attr("node")).isEmpty(), "no failure of " + f.attr("resource")
                    + " on " + f.attr("node") + " expected" + context);
        }
        for (Element g : sc.children("expect-guest")) {
            Guest guest = s.guest(g.attr("node"));
            if (g.attr("unclean") != null) {
                assertEquals(Boolean.parseBoolean(g.attr("unclean")), guest.unclean(), context);
            }
            if (g.attr("recoveries") != null) {
                assertEquals(Integer.parseInt(g.attr("recoveries")), guest.recoveries(), context);
            }
            if (g.attr("reason") != null) {
                assertEquals(g.attr("reason"), guest.uncleanReason(), context);
            }
            if (g.attr("cause") != null) {
                assertEquals(g.attr("cause"), guest.cause().name().toLowerCase().replace('_', '-'), context);
            }
            if (g.attr("fence-failures") != null) {
                assertEquals(Integer.parseInt(g.attr("fence-failures")), guest.fenceFailures(), context);
            }
            if (g.attr("fence-error") != null) {
                assertEquals(g.attr("fence-error"), guest.fenceError(), context);
            }
            if (g.attr("shutting-down") != null) {
                assertEquals(Boolean.parseBoolean(g.attr("shutting-down")), guest.shuttingDown(), context);
            }
            if (g.attr("services-known") != null) {
                long known = s.services().keySet().stream().filter(k -> k.node().equals(g.attr("node"))).count();
                assertEquals(Long.parseLong(g.attr("services-known")), known, context);
            }
        }
    }

    Definitions load(Path cibFile, String host) throws IOException {
        return load(cibFile, host, tmp);
    }

    /** The CIB of a scenario, with its domain files written under {@code tmp}. */
    static Definitions load(Path cibFile, String host, Path tmp) throws IOException {
        return ScenarioCibs.load(cibFile, host, tmp);
    }

    static ObservedState observed(Element obs, Instant now) {
        ObservedState.Mutable m = ObservedState.EMPTY.edit();
        for (Element e : obs.children()) {
            Instant since = e.optAttr("since").map(Instant::parse).orElse(now.minusSeconds(60));
            switch (e.name()) {
                case "vm" -> m.vms.put(e.attr("id"), new Observed.Vm(Observed.VmStatus.valueOf(
                        e.attr("status").toUpperCase()), e.optAttr("detail").orElse(""), since,
                        Integer.parseInt(e.optAttr("deferrals").orElse("0")),
                        e.optAttr("retry-at").map(Instant::parse).orElse(Instant.EPOCH)));
                case "connection" -> m.connections.put(e.attr("node"), new Observed.Connection(
                        Boolean.parseBoolean(e.optAttr("up").orElse("true")), since));
                case "service" -> {
                    Set<Long> mons = new HashSet<>();
                    e.optAttr("monitors").ifPresent(v -> Arrays.stream(v.split(",")).map(String::trim)
                            .filter(x -> !x.isEmpty()).forEach(x -> mons.add(Durations.parse(x).toMillis())));
                    m.services.put(new ResourceNode(e.attr("id"), e.attr("node")), new Observed.Service(
                            Observed.ServiceStatus.valueOf(e.attr("status").toUpperCase()), mons, since,
                            Boolean.parseBoolean(e.optAttr("restarting").orElse("false"))));
                }
                case "failure" -> m.failures.put(new ResourceNode(e.attr("resource"), e.attr("node")), new Failure(
                        "INFINITY".equals(e.attr("count")) ? 1_000_000 : Long.parseLong(e.attr("count")),
                        e.optAttr("op").orElse("monitor"), e.optAttr("interval").map(Durations::parse)
                        .map(java.time.Duration::toMillis).orElse(0L), Integer.parseInt(e.optAttr("rc").orElse("1")),
                        e.optAttr("status").orElse("complete"), e.optAttr("reason").orElse(""),
                        e.optAttr("on-fail").orElse("restart"), e.optAttr("last").map(Instant::parse).orElse(now)));
                case "guest" -> m.guests.put(e.attr("node"), new Guest(
                        Boolean.parseBoolean(e.optAttr("unclean").orElse("false")), e.optAttr("reason").orElse(""),
                        Observed.UncleanCause.valueOf(e.optAttr("cause").orElse("guest-failed").toUpperCase()
                                .replace('-', '_')),
                        Integer.parseInt(e.optAttr("fence-failures").orElse("0")), e.optAttr("fence-error").orElse(""),
                        Integer.parseInt(e.optAttr("recoveries").orElse("0")),
                        e.optAttr("last-fence").map(Instant::parse).orElse(Instant.EPOCH),
                        e.optAttr("backoff-until").map(Instant::parse).orElse(Instant.EPOCH),
                        e.optAttr("fence-retry-at").map(Instant::parse).orElse(Instant.EPOCH),
                        e.optAttr("shutdown-asked").map(Instant::parse).orElse(Instant.EPOCH)));
                case "in-flight" -> m.inFlight.add(e.attr("key"));
                case "fence" -> m.fences.add(Instant.parse(e.attr("at")));
                default -> throw new AssertionError("unknown observed element <" + e.name() + ">");
            }
        }
        return m.done();
    }

    static Overrides overrides(Optional<Element> el) {
        Overrides o = Overrides.NONE;
        for (Element e : el.map(Element::children).orElse(List.of())) {
            switch (e.name()) {
                case "disable" -> o = o.withTargetRole(e.attr("resource"), TargetRole.STOPPED);
                case "enable" -> o = o.withTargetRole(e.attr("resource"), TargetRole.STARTED);
                case "maintenance" -> o = o.withMaintenance(e.attr("guest"), true);
                case "host-maintenance" -> o = o.withHostMaintenance(true);
                case "migrating" -> o = o.withMigrating(e.attr("guest"), true);
                case "connection-stopped" -> o = o.withConnectionStopped(e.attr("guest"), true);
                // an operator's move or ban of a service (crm_resource --move/--ban), with its lifetime's end
                case "move" -> o = o.withPlacements(o.placements().withMove(e.attr("resource"), e.attr("node"),
                        e.optAttr("until").map(Instant::parse)));
                case "ban" -> o = o.withPlacements(o.placements().withBan(e.attr("resource"), e.attr("node"),
                        e.optAttr("until").map(Instant::parse)));
                default -> throw new AssertionError("unknown override <" + e.name() + ">");
            }
        }
        return o;
    }

    static Event event(Definitions d, Element e) {
        return switch (e.name()) {
            case "vm-seen" -> new Event.VmSeen(e.attr("vm"), Observed.VmStatus.valueOf(e.attr("status").toUpperCase()),
                    e.optAttr("detail").orElse(""));
            case "connection-lost" -> new Event.ConnectionLost(e.attr("node"),
                    e.optAttr("reason").orElse("Lost connection to remote executor"), 5000);
            case "monitor-result" -> new Event.MonitorResult(e.attr("service"), e.attr("node"),
                    Durations.parse(e.attr("interval")).toMillis(), Integer.parseInt(e.attr("rc")),
                    e.optAttr("status").orElse("complete"), e.optAttr("reason").orElse(""));
            case "cleanup" -> new Event.Cleanup(e.attr("resource"), e.optAttr("node"));
            case "shutdown-requested" -> new Event.ShutdownRequested(e.attr("node"));
            case "client-takeover" -> new Event.ClientTakeover(e.attr("node"));
            case "history-adopted" -> new Event.HistoryAdopted(e.attr("node"), java.util.Map.of(e.attr("service"),
                    new Failure(Long.parseLong(e.attr("count")), "monitor", 10_000, 7, "complete", "not running",
                            "restart", Instant.parse(e.attr("last")))));
            case "started" -> new Event.ActionStarted(action(d, e.attr("action")));
            case "finished" -> new Event.ActionFinished(action(d, e.attr("action")),
                    Boolean.parseBoolean(e.optAttr("ok").orElse("true")), Integer.parseInt(e.optAttr("rc").orElse("0")),
                    e.optAttr("status").orElse("complete"), e.optAttr("reason").orElse(""));
            default -> throw new AssertionError("unknown event <" + e.name() + ">");
        };
    }

    /** Parses an action in the form {@link Action#toString()} prints. */
    static Action action(Definitions d, String text) {
        String[] w = text.trim().split("\\s+");
        List<String> words = new ArrayList<>(List.of(w));
        String why = "scenario";
        return switch (words.get(0)) {
            case "fence" -> new Action.Fence(words.get(1), words.get(4), why);
            case "connect" -> new Action.Connect(words.get(1), why);
            case "disconnect" -> new Action.Disconnect(words.get(1), why);
            case "probe" -> new Action.Probe(words.get(1), words.get(3), why);
            case "monitor" -> new Action.StartMonitor(words.get(1), words.get(3), Durations.parse(words.get(5)), why);
            case "start", "stop" -> {
                Optional<io.guestnode.operator.definitions.VmResource> vm = d.vm(words.get(1));
                boolean start = words.get(0).equals("start");
                if (vm.isPresent()) {
                    yield start ? new Action.StartVm(vm.get().id(), vm.get().node(), words.get(3), why)
                            : new Action.StopVm(vm.get().id(), vm.get().node(), words.get(3), why);
                }
                yield start ? new Action.StartService(words.get(1), words.get(3), why)
                        : new Action.StopService(words.get(1), words.get(3), why);
            }
            default -> throw new AssertionError("cannot parse action '" + text + "'");
        };
    }

}
