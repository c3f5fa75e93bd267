package io.guestnode.operator.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guestnode.agents.coordination.GuestRecord;
import io.guestnode.agents.coordination.Timing;
import io.guestnode.agents.coordination.ZkCoordination;
import io.guestnode.agents.testing.Shell;
import io.guestnode.operator.e2e.StatusJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three lab hosts (bin/lab), each running guestnode as one of several hosts on their ZooKeeper ensemble (default
 * timing: T 10 s, S 8 s, W 4 s, F 6 s), three LXC guest nodes with a Dummy each. An observer scans /proc of the whole
 * machine every 50 ms throughout: a guest alive on two hosts at once fails the test. A powered-off host's guest comes
 * back on another host; a partitioned host destroys its guest itself before the guest comes back elsewhere (and,
 * running nothing, is not reset; healed, it starts nothing owned elsewhere); one ZooKeeper server lost fences nothing;
 * a frozen guestnode's host is ended by its watchdog; without a quorum every host destroys its guests, and they come
 * back with the quorum; a host whose libvirtd hangs when it is cut off cannot destroy its guests, and its watchdog
 * ends it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiHostIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = Path.of(System.getProperty("guestnode.root", "..")).toAbsolutePath().normalize();
    private static final Path LAB = Path.of("/run/guestnode-lab");
    static final Path SHARED = LAB.resolve("shared/mh");
    static final String ZK = "10.77.0.1:2181,10.77.0.2:2181,10.77.0.3:2181";
    private static final List<String> HOSTS = List.of("h1", "h2", "h3");
    static final List<String> GUESTS = List.of("lg1", "lg2", "lg3");
    private static final String PREFIX = "gnmh-";
    /** The default profile: T 10 s, S 8 s, W 4 s, F 6 s (its S rides out the loss of one ZooKeeper server). */
    private static final Timing TIMING = Timing.DEFAULT;
    static Watcher watcher;
    static final LabCluster CLUSTER = new LabCluster(SHARED, HOSTS, GUESTS, PREFIX, "mh", StatusJson.FAST_MONITOR,
            "default");

    /** Sees every guest's incarnations on the whole machine; two at once is an overlap. */
    static final class Watcher implements AutoCloseable {
        final String prefix;
        final ProcScan scan;
        final List<String> overlaps = java.util.Collections.synchronizedList(new ArrayList<>());
        final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();
        final Map<ProcScan.Incarnation, Instant[]> lives = new ConcurrentHashMap<>();
        volatile boolean running = true;
        final Thread thread;

        Watcher() {
            this(PREFIX, GUESTS);
        }

        /** Watches the domains {@code prefix + guest} of {@code guests}. */
        Watcher(String prefix, List<String> guests) {
            this.prefix = prefix;
            this.scan = new ProcScan(guests.stream().map(g -> prefix + g).collect(java.util.stream.Collectors.toSet()));
            this.thread = Thread.ofPlatform().daemon().name("multi-host observer").start(this::loop);
        }

        private void loop() {
            while (running) {
                Instant t = Instant.now();
                Map<String, List<ProcScan.Incarnation>> by = new TreeMap<>();
                for (ProcScan.Seen s : scan.scan()) {
                    by.computeIfAbsent(s.domain(), k -> new ArrayList<>()).add(s.incarnation());
                    lives.merge(s.incarnation(), new Instant[] {t, t}, (a, b) -> new Instant[] {a[0], t});
                }
                by.forEach((d, incs) -> {
                    if (incs.size() > 1) {
                        overlaps.add(t + ": " + d + " alive twice: " + incs);
                    }
                });
                Observer.sleep(Observer.SAMPLE_MS);
            }
        }

        /** When any guest was last seen alive. */
        Instant lastSightingOfAny() {
            return lives.values().stream().map(l -> l[1]).max(Instant::compareTo).orElse(Instant.EPOCH);
        }

        /** Incarnations of a guest in the order first seen, with first and last sighting. */
        List<Instant[]> livesOf(String guest) {
            return lives.entrySet().stream().filter(e -> e.getKey().domain().equals(prefix + guest))
                    .map(Map.Entry::getValue).sorted((a, b) -> a[0].compareTo(b[0])).toList();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(2000);
        }
    }

    @BeforeAll
    static void up() throws Exception {
        assumeTrue(Shell.isRoot(), "the lab needs root");
        lab("down");
        Shell.Result r = lab("up", "--hosts", "3");
        assertEquals(0, r.exitCode(), r.output());
        CLUSTER.define();
        watcher = new Watcher();
        for (String h : HOSTS) {
            startDaemon(h);
        }
    }

    static void startDaemon(String h) throws Exception {
        CLUSTER.startDaemon(h);
    }

    @AfterAll
    static void down() throws Exception {
        if (watcher != null) {
            watcher.close();
        }
        keepLogs();
        if (Shell.isRoot()) {
            lab("down");
        }
    }

    /** The hosts' daemon and ZooKeeper logs, kept in target/multi-host-logs (the lab's directory goes with it). */
    static void keepLogs() {
        Path out = Path.of("target", "multi-host-logs");
        for (String h : HOSTS) {
            try {
                Files.createDirectories(out);
                Path daemon = SHARED.resolve(h).resolve("daemon.log");
                if (Files.exists(daemon)) {
                    Files.copy(daemon, out.resolve(h + "-daemon.log"), StandardCopyOption.REPLACE_EXISTING);
                }
                Path zk = LAB.resolve("hosts").resolve(h).resolve("zk.log");
                if (Files.exists(zk)) {
                    Files.copy(zk, out.resolve(h + "-zk.log"), StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (java.io.IOException e) {
                System.out.println("logs of " + h + " not kept: " + e.getMessage());
            }
        }
    }

    static Shell.Result lab(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/lab").toString()));
        cmd.addAll(List.of(args));
        return Shell.run(cmd);
    }

    /** Each live host's status, by host. */
    static Map<String, JsonNode> statuses() {
        return CLUSTER.statuses();
    }

    /** The hosts where the guest is online with its Dummy started. */
    static List<String> runningOn(Map<String, JsonNode> s, String guest) {
        return LabCluster.runningOn(s, guest);
    }

    static Map<String, JsonNode> await(String what, long ms, java.util.function.Predicate<Map<String, JsonNode>> p)
            throws Exception {
        long until = System.nanoTime() + ms * 1_000_000;
        while (true) {
            long t = System.nanoTime();
            Map<String, JsonNode> s = statuses();
            if (p.test(s)) {
                return s;
            }
            if (System.nanoTime() > until) {
                throw new AssertionError("not within " + ms + " ms: " + what + "; last statuses (read in "
                        + (System.nanoTime() - t) / 1_000_000 + " ms): " + summary(s) + "\n" + logs());
            }
            Thread.sleep(200);
        }
    }

    static String summary(Map<String, JsonNode> s) {
        return CLUSTER.summary(s);
    }

    static String logs() {
        StringBuilder b = new StringBuilder();
        for (String h : HOSTS) {
            try {
                List<String> lines = Files.readAllLines(SHARED.resolve(h).resolve("daemon.log"));
                b.append("--- ").append(h).append('\n');
                lines.subList(Math.max(0, lines.size() - 25), lines.size()).forEach(l -> b.append(l).append('\n'));
            } catch (Exception e) {
                b.append("--- ").append(h).append(": no log\n");
            }
        }
        return b.toString();
    }

    static Optional<GuestRecord> record(String guest) throws Exception {
        try (ZkCoordination zk = new ZkCoordination(ZK, "/guestnode/mh", "reader", TIMING)) {
            return zk.guest(guest).map(v -> v.value());
        }
    }

    @Test
    @Order(1)
    void everyGuestComesUpOnOneHost() throws Exception {
        Map<String, JsonNode> s = await("every guest online with its Dummy", 120_000,
                CLUSTER.everyGuestUp());
        for (String g : GUESTS) {
            GuestRecord r = record(g).orElseThrow();
            assertEquals(Optional.of(runningOn(s, g).get(0)), r.owner(), g + ": the owner runs it");
            assertEquals(GuestRecord.Phase.RUNNING, r.phase());
        }
        JsonNode cluster = statuses().get("h3").get("cluster");
        assertEquals("[\"h1\",\"h2\",\"h3\"]", cluster.get("hosts").toString(), "every host's status shows the cluster");
        assertTrue(HOSTS.contains(cluster.get("leader").asText()), cluster.toString());
        assertEquals("[]", cluster.get("differ").toString(), "every host reads the same definitions");
        java.io.StringWriter xml = new java.io.StringWriter();
        assertEquals(0, io.guestnode.operator.cli.GuestnodeCli.run(new String[] {"status", "--socket",
                SHARED.resolve("h3/gn.sock").toString(), "--output-as", "xml"}, new java.io.PrintWriter(xml, true),
                new java.io.PrintWriter(new java.io.StringWriter(), true)));
        Path f = Files.writeString(SHARED.resolve("status-h3.xml"), xml.toString());
        Shell.Result valid = Shell.run(List.of("xmllint", "--noout", "--relaxng",
                "/usr/share/pacemaker/api/api-result-2.25.rng", f.toString()));
        assertEquals(0, valid.exitCode(), "crm_mon's schema: " + valid.output() + "\n" + xml);
        for (String h : HOSTS) {
            assertTrue(xml.toString().contains("<node name=\"" + h + "\" id=\"" + h + "\" online=\"true\""), xml.toString());
        }
        for (String g : GUESTS) {
            assertTrue(xml.toString().contains("<node name=\"" + g + "\" id=\"" + g + "\" online=\"true\""), xml.toString());
        }
        for (JsonNode o : cluster.get("guests")) {
            assertEquals(runningOn(s, o.get("guest").asText()).get(0), o.get("claim").asText(), cluster.toString());
        }
        assertEquals(List.of(), watcher.overlaps);
    }

    /**
     * From a host that does not own lg3, {@code guestnode probe} signs on to lg3's remoted with the key: the owner's
     * session is taken over, so the owner disconnects, re-reads the claim (it holds it), keeps lg3 running and connects
     * again; lg3 is neither restarted nor started anywhere else, and its record keeps its epoch.
     */
    @Test
    @Order(2)
    void aSecondClientOnAGuestsRemotedMakesTheOwnerReCheckAndKeepIt() throws Exception {
        String owner = runningOn(statuses(), "lg3").get(0);
        String stranger = HOSTS.stream().filter(h -> !h.equals(owner)).findFirst().orElseThrow();
        long epoch = record("lg3").orElseThrow().epoch();
        int lives = watcher.livesOf("lg3").size();
        Shell.Result probe = lab("exec", stranger, "env", "JAVA_HOME=" + System.getProperty("java.home"),
                ROOT.resolve("bin/guestnode").toString(), "probe", "--addr", "10.251.1.3", "--key",
                SHARED.resolve("authkey").toString());
        assertEquals(0, probe.exitCode(), probe.output());
        Path log = SHARED.resolve(owner).resolve("daemon.log");
        long until = System.nanoTime() + 10_000_000_000L;
        while (!Files.readString(log).contains("[lg3] this host ") && System.nanoTime() < until) {
            Thread.sleep(100); // until the owner has re-checked the claim, either way
        }
        String text = Files.readString(log);
        assertTrue(text.contains("[lg3] disconnecting from the guest's pacemaker-remoted due to an unexpected client "
                + "takeover"), "the owner disconnected: " + logs());
        assertTrue(text.contains("[lg3] this host still owns the guest"), "and re-checked its claim: " + logs());
        Map<String, JsonNode> s = await("lg3's takeover recorded and lg3 online again with its Dummy on " + owner,
                30_000, x -> x.containsKey(owner) && StatusJson.failure(x.get(owner), "lg3", owner) != null
                        && runningOn(x, "lg3").equals(List.of(owner)));
        assertEquals(lives, watcher.livesOf("lg3").size(), "lg3 was not restarted: " + summary(s));
        JsonNode failed = StatusJson.failure(s.get(owner), "lg3", owner);
        assertTrue(failed != null && failed.get("reason").asText().equals("unexpected client takeover"),
                "the takeover is recorded against lg3's connection: " + s.get(owner).get("failedActions"));
        assertEquals(epoch, record("lg3").orElseThrow().epoch(), "lg3 did not change hands");
        assertEquals(List.of(), watcher.overlaps);
    }

    /**
     * The definitions change (a Dummy more, pinned to lg1): the hosts' file watchers reload, the first publish wins,
     * and every host takes the cluster's definitions from ZooKeeper: the same digest everywhere, the new Dummy started
     * once. Put back, they return everywhere.
     */
    @Test
    @Order(3)
    void changedDefinitionsBecomeEveryHostsDefinitions() throws Exception {
        Path defs = SHARED.resolve("guests.xml");
        String before = Files.readString(defs);
        String digest = statuses().get("h1").get("cluster").get("digest").asText();
        String after = before.replace("</resources>", "<primitive id=\"dummy-extra\" class=\"ocf\" "
                + "provider=\"pacemaker\" type=\"Dummy\"/></resources>").replace("</constraints>",
                "<rsc_location id=\"pin-extra\" rsc=\"dummy-extra\" node=\"lg1\" score=\"INFINITY\"/></constraints>");
        replace(defs, after);
        Map<String, JsonNode> s = await("every host on the new definitions, dummy-extra started in lg1", 30_000,
                x -> x.size() == HOSTS.size() && digests(x).size() == 1 && !digests(x).contains(digest)
                        && x.values().stream().allMatch(st -> st.get("cluster").get("differ").isEmpty())
                        && x.values().stream().filter(st -> StatusJson.role(st, "dummy-extra").equals("Started lg1"))
                        .count() == 1);
        for (String h : HOSTS) {
            assertTrue(Files.exists(SHARED.resolve(h).resolve("state/cluster-definitions/001-guests.xml")),
                    h + " loaded the cluster's files: " + summary(s));
        }
        replace(defs, before);
        await("every host on the first definitions again", 30_000,
                x -> x.size() == HOSTS.size() && digests(x).equals(Set.of(digest))
                        && x.values().stream().allMatch(st -> StatusJson.role(st, "dummy-extra").equals("absent")));
        assertEquals(List.of(), watcher.overlaps);
    }

    /** The definitions' digests the hosts act on. */
    static Set<String> digests(Map<String, JsonNode> s) {
        return s.values().stream().map(st -> st.get("cluster").get("digest").asText())
                .collect(java.util.stream.Collectors.toSet());
    }

    /** Replaces a file at once (its watchers never read half of it). */
    static void replace(Path f, String text) throws Exception {
        Path tmp = Files.writeString(f.resolveSibling(f.getFileName() + ".new"), text);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    @Order(4)
    void aPoweredOffHostsGuestComesBackElsewhere() throws Exception {
        String host = runningOn(statuses(), "lg1").get(0);
        long epoch = record("lg1").orElseThrow().epoch();
        Instant t0 = Instant.now();
        assertEquals(0, lab("power-off", host).exitCode());
        Map<String, JsonNode> s = await("lg1 back on another host", 60_000, x -> {
            List<String> on = runningOn(x, "lg1");
            return on.size() == 1 && !on.get(0).equals(host);
        });
        double took = Duration.between(t0, Instant.now()).toMillis() / 1000.0;
        System.out.printf("power-off of %s: lg1 online with its Dummy on %s after %.1f s%n", host,
                runningOn(s, "lg1").get(0), took);
        assertTrue(took <= 25, "recovered after " + took + " s (at most 25 s)");
        GuestRecord r = record("lg1").orElseThrow();
        assertNotEquals(Optional.of(host), r.owner());
        assertTrue(r.epoch() > epoch, "a new epoch: " + r);
        assertEquals(List.of(), watcher.overlaps);
        assertEquals(0, lab("power-on", host).exitCode());
        startDaemon(host);
    }

    /**
     * The host whose ZooKeeper server leads the ensemble is powered off: the others elect a new leader and keep their
     * sessions, so only that host's guests move and no other host fences itself. Powered on again, the host rejoins
     * empty and starts nothing owned elsewhere.
     */
    @Test
    @Order(5)
    void theZooKeeperLeadersHostPoweredOffLosesOnlyItsOwnGuests() throws Exception {
        ensembleWhole();
        Map<String, JsonNode> s = await("every guest up", 60_000, x -> GUESTS.stream()
                .allMatch(g -> runningOn(x, g).size() == 1));
        String host = null;
        for (JsonNode h : JSON.readTree(lab("status", "--json").output())) {
            if (h.get("zookeeper").asText().equals("leader")) {
                host = h.get("host").asText();
            }
        }
        assertTrue(host != null, lab("status").output());
        hostLostAndBack(host, s, "the ZooKeeper leader's host");
    }

    /** The host of guestnode's leader is powered off: another host leads and recovers its guests. */
    @Test
    @Order(6)
    void theLeadersHostPoweredOffItsGuestsAreRecoveredByANewLeader() throws Exception {
        ensembleWhole();
        Map<String, JsonNode> s = await("every guest up", 60_000, x -> GUESTS.stream()
                .allMatch(g -> runningOn(x, g).size() == 1));
        String leader = s.values().iterator().next().get("cluster").get("leader").asText();
        assertTrue(HOSTS.contains(leader), summary(s));
        hostLostAndBack(leader, s, "the leader's host");
        Map<String, JsonNode> now = statuses();
        now.values().forEach(st -> assertNotEquals(leader, st.get("cluster").get("leader").asText(),
                "a new leader took over: " + summary(now)));
    }

    /**
     * Powers {@code host} off: its guests come back elsewhere, no other guest is restarted and no host fences itself;
     * powered on with its guestnode, it rejoins empty and starts nothing for a session timeout and more.
     */
    static void hostLostAndBack(String host, Map<String, JsonNode> s, String what) throws Exception {
        List<String> own = GUESTS.stream().filter(g -> runningOn(s, g).contains(host)).toList();
        Map<String, Integer> lives = new TreeMap<>();
        GUESTS.forEach(g -> lives.put(g, watcher.livesOf(g).size()));
        int fences = selfFences();
        Instant t0 = Instant.now();
        assertEquals(0, lab("power-off", host).exitCode());
        await(own + " back on other hosts", 60_000, x -> GUESTS.stream().allMatch(g -> {
            List<String> on = runningOn(x, g);
            return on.size() == 1 && !on.get(0).equals(host);
        }));
        System.out.printf("power-off of %s (%s): %s online with their Dummies elsewhere after %.1f s%n", what, host,
                own, Duration.between(t0, Instant.now()).toMillis() / 1000.0);
        for (String g : GUESTS) {
            if (!own.contains(g)) {
                assertEquals(lives.get(g), watcher.livesOf(g).size(), g + " of another host was not restarted");
            }
        }
        assertEquals(fences, selfFences(), "no other host fenced itself: " + logs());
        assertEquals(0, lab("power-on", host).exitCode());
        startDaemon(host);
        await(host + "'s guestnode answers", 60_000, x -> x.containsKey(host));
        GUESTS.forEach(g -> lives.put(g, watcher.livesOf(g).size()));
        Thread.sleep(TIMING.sessionTimeout().toMillis() + 3_000);
        assertEquals(0, guestsOf(host), host + " rejoined empty");
        GUESTS.forEach(g -> assertEquals(lives.get(g), watcher.livesOf(g).size(), g + ": nothing restarted"));
        assertEquals(List.of(), watcher.overlaps);
    }

    @Test
    @Order(7)
    void aPartitionedHostDestroysItsGuestBeforeItComesBackElsewhere() throws Exception {
        ensembleWhole();
        String host = runningOn(await("every guest up", 60_000, x -> GUESTS.stream()
                .allMatch(g -> runningOn(x, g).size() == 1)), "lg2").get(0);
        int livesBefore = watcher.livesOf("lg2").size();
        Instant t0 = Instant.now();
        assertEquals(0, lab("partition", host).exitCode());
        await("lg2 back on another host", 60_000, x -> {
            List<String> on = runningOn(x, "lg2");
            return on.size() == 1 && !on.get(0).equals(host);
        });
        List<Instant[]> lives = watcher.livesOf("lg2");
        assertTrue(lives.size() > livesBefore, "a new incarnation of lg2");
        Instant oldLast = lives.get(livesBefore - 1)[1];
        Instant newFirst = lives.get(livesBefore)[0];
        System.out.printf("partition of %s: its lg2 last seen %.1f s after the cut, the new one first seen %.1f s"
                + " after%n", host, Duration.between(t0, oldLast).toMillis() / 1000.0,
                Duration.between(t0, newFirst).toMillis() / 1000.0);
        assertTrue(oldLast.isBefore(newFirst), "the old lg2 was gone before the new one began");
        assertTrue(Duration.between(t0, oldLast).toMillis() < TIMING.selfFenceAfter().toMillis() + 2_000,
                "the partitioned host destroyed lg2 itself within S (+2 s)");
        Thread.sleep(TIMING.selfFenceAfter().plus(TIMING.watchdogTimeout()).toMillis() + 2_000);
        assertEquals("silent", statusOf(host), "having destroyed its guests, the host is not reset");
        assertEquals(0, guestsOf(host), "and runs nothing");
        assertEquals(0, lab("heal", host).exitCode());
        int lives2 = watcher.livesOf("lg2").size();
        Thread.sleep(TIMING.sessionTimeout().toMillis() + 3_000);
        assertEquals(lives2, watcher.livesOf("lg2").size(), "healed, the host starts nothing owned elsewhere");
        assertEquals(0, guestsOf(host));
        assertEquals(List.of(), watcher.overlaps);
    }

    /** A follower's ZooKeeper server stops silently: its clients move to another server; nobody fences. */
    @Test
    @Order(8)
    void oneZooKeeperServerLostFencesNothing() throws Exception {
        ensembleWhole();
        await("every guest up", 60_000, CLUSTER.everyGuestUp());
        String follower = null;
        for (JsonNode h : JSON.readTree(lab("status", "--json").output())) {
            if (h.get("zookeeper").asText().equals("follower")) {
                follower = h.get("host").asText();
            }
        }
        assertTrue(follower != null, lab("status").output());
        Map<String, Integer> lives = new TreeMap<>();
        GUESTS.forEach(g -> lives.put(g, watcher.livesOf(g).size()));
        int fences = selfFences();
        assertEquals(0, lab("zk-stop", follower).exitCode());
        Map<String, Integer> after = new TreeMap<>();
        try {
            Thread.sleep(2 * TIMING.sessionTimeout().toMillis());
            GUESTS.forEach(g -> after.put(g, watcher.livesOf(g).size()));
        } finally {
            assertEquals(0, lab("zk-start", follower).exitCode());
        }
        assertEquals(fences, selfFences(), "no host fenced itself:\n" + logs());
        assertEquals(lives, after, "no guest restarted while one ZooKeeper server was lost");
        await("every guest up", 30_000, CLUSTER.everyGuestUp());
        assertEquals(List.of(), watcher.overlaps);
    }

    /** guestnode hangs (SIGSTOP): it stops feeding the watchdog, which ends the host; its guest comes back elsewhere. */
    @Test
    @Order(9)
    void aFrozenGuestnodesHostIsResetByItsWatchdog() throws Exception {
        ensembleWhole();
        String host = runningOn(await("every guest up", 60_000, x -> GUESTS.stream()
                .allMatch(g -> runningOn(x, g).size() == 1)), "lg3").get(0);
        assertEquals(0, lab("freeze", host).exitCode());
        Instant t0 = Instant.now(); // the guestnode of the host is stopped by now
        try {
            frozen(host, t0);
        } finally {
            lab("power-on", host);
            startDaemon(host);
        }
    }

    private void frozen(String host, Instant t0) throws Exception {
        endedByItsWatchdog(host, t0, "lg3", "guestnode of " + host + " frozen", "the freeze");
    }

    /**
     * Waits until {@code host} is gone and {@code guest} runs on another host; the watchdog's deadline must lie at
     * most S + W after {@code t0}, the host's end at most 4 s later (every process of it must end first).
     */
    private void endedByItsWatchdog(String host, Instant t0, String guest, String what, String since)
            throws Exception {
        long until = System.nanoTime() + 30_000_000_000L;
        while (hostAlive(host)) {
            assertTrue(System.nanoTime() < until, "the watchdog did not end the host: " + lab("status").output());
            Thread.sleep(20);
        }
        double off = Duration.between(t0, Instant.now()).toMillis() / 1000.0;
        await(guest + " back on another host", 60_000, x -> {
            List<String> on = runningOn(x, guest);
            return on.size() == 1 && !on.get(0).equals(host);
        });
        double deadline = (watchdogDeadline(host) - t0.toEpochMilli()) / 1000.0;
        System.out.printf("%s: the watchdog's deadline %.1f s after, the host gone after %.1f s, %s back after %.1f s%n",
                what, deadline, off, guest, Duration.between(t0, Instant.now()).toMillis() / 1000.0);
        double sw = TIMING.selfFenceAfter().plus(TIMING.watchdogTimeout()).toMillis() / 1000.0;
        assertTrue(deadline <= sw + 0.5, "the watchdog's deadline was " + deadline + " s after " + since
                + " (S + W at most)");
        assertTrue(off <= sw + 4, "the host was gone " + off + " s after " + since + " (S + W + 4 s at most)");
        assertEquals(List.of(), watcher.overlaps);
    }

    /** Two of three ZooKeeper servers stop: every host destroys its guests, stays up, and they come back with it. */
    @Test
    @Order(10)
    void quorumLostEveryHostFencesItselfAndGuestsReturnWithIt() throws Exception {
        ensembleWhole();
        await("every guest up", 60_000, CLUSTER.everyGuestUp());
        Instant t0 = Instant.now();
        assertEquals(0, lab("zk-stop", "h1").exitCode());
        assertEquals(0, lab("zk-stop", "h2").exitCode());
        try {
            withoutQuorum(t0);
        } finally {
            lab("zk-start", "h1");
            lab("zk-start", "h2");
        }
        await("every guest back with the quorum", 90_000,
                CLUSTER.everyGuestUp());
        assertEquals(List.of(), watcher.overlaps);
    }

    private void withoutQuorum(Instant t0) throws Exception {
        Thread.sleep(TIMING.selfFenceAfter().toMillis() + 3_000);
        Instant last = watcher.lastSightingOfAny();
        System.out.printf("quorum lost: every guest destroyed %.1f s after the second server stopped%n",
                Duration.between(t0, last).toMillis() / 1000.0);
        assertTrue(Duration.between(last, Instant.now()).toMillis() > 1_000, "guests still run without a quorum: "
                + lab("status").output());
        assertTrue(Duration.between(t0, last).toMillis() < TIMING.selfFenceAfter().toMillis() + 3_000,
                "destroyed within S (+3 s: the two stops take their time) of the quorum's loss");
        Thread.sleep(TIMING.watchdogTimeout().toMillis() + 2_000);
        for (String h : HOSTS) {
            assertEquals("up", statusOf(h), h + " is not reset: it runs nothing");
        }
    }

    /**
     * libvirtd hangs (SIGSTOP), then the host is cut off: its self-fence cannot destroy its guests, so it stops
     * feeding the watchdog, which ends the host; only then, and after T + F, does the guest come back elsewhere.
     */
    @Test
    @Order(11)
    void aHostThatCannotDestroyItsGuestsIsResetByItsWatchdog() throws Exception {
        ensembleWhole();
        String host = runningOn(await("every guest up", 60_000, x -> GUESTS.stream()
                .allMatch(g -> runningOn(x, g).size() == 1)), "lg1").get(0);
        assertEquals(0, lab("libvirtd-stop", host).exitCode());
        Instant t0 = Instant.now();
        assertEquals(0, lab("partition", host).exitCode());
        endedByItsWatchdog(host, t0, "lg1", "libvirtd of " + host + " stopped, then the host cut off", "the cut");
    }

    /** The deadline (epoch ms) at which the host's watchdog last ended it, from the host's log. */
    static long watchdogDeadline(String host) throws java.io.IOException {
        long d = -1;
        for (String l : Files.readAllLines(LAB.resolve("hosts").resolve(host).resolve("host.log"))) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("watchdog: deadline (\\d+) passed").matcher(l);
            if (m.find()) {
                d = Long.parseLong(m.group(1));
            }
        }
        if (d < 0) {
            throw new AssertionError(host + "'s log shows no watchdog reset");
        }
        return d;
    }

    /** Waits until every host's ZooKeeper server serves (a healed or restarted one has rejoined the ensemble). */
    static void ensembleWhole() throws Exception {
        long until = System.nanoTime() + 90_000_000_000L;
        while (true) {
            int serving = 0;
            for (JsonNode h : JSON.readTree(lab("status", "--json").output())) {
                serving += List.of("leader", "follower").contains(h.get("zookeeper").asText()) ? 1 : 0;
            }
            if (serving == HOSTS.size()) {
                return;
            }
            assertTrue(System.nanoTime() < until, "the ensemble is not whole: " + lab("status").output());
            Thread.sleep(500);
        }
    }

    /** Whether the host's first process (its watchdog) still lives. */
    static boolean hostAlive(String host) {
        try {
            String pid = Files.readString(LAB.resolve("hosts").resolve(host).resolve("init.pid")).trim();
            return Files.exists(Path.of("/proc", pid));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    static int guestsOf(String host) {
        try {
            for (JsonNode h : JSON.readTree(lab("status", "--json").output())) {
                if (h.get("host").asText().equals(host)) {
                    return h.get("guests").size();
                }
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return 0;
    }

    /** How many self-fences the hosts' logs show. */
    static int selfFences() {
        int n = 0;
        for (String h : HOSTS) {
            try {
                n += (int) Files.readAllLines(SHARED.resolve(h).resolve("daemon.log")).stream()
                        .filter(l -> l.contains("this host fences itself")).count();
            } catch (Exception e) {
                // no log yet
            }
        }
        return n;
    }

    static String statusOf(String host) throws Exception {
        for (JsonNode h : JSON.readTree(lab("status", "--json").output())) {
            if (h.get("host").asText().equals(host)) {
                return h.get("state").asText();
            }
        }
        return "";
    }
}
