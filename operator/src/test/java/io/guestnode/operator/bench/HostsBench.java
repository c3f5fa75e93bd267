package io.guestnode.operator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.guestnode.agents.coordination.Timing;
import io.guestnode.agents.coordination.ZkCoordination;
import io.guestnode.agents.testing.Shell;
import io.guestnode.operator.e2e.StatusJson;
import io.guestnode.operator.faults.LabCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * {@code bin/bench --hosts 3}: on a lab of three hosts ({@code bin/lab up --hosts 3}, made by the caller), guestnode on
 * each and four guest nodes with a Dummy each; a host with guests is powered off (then powered on, empty, with its
 * daemon) or cut off (then healed), {@code RUNS} times each. Each run measures, from the fault, when the lost guests'
 * claims were gone, when every one of them was online elsewhere and when every Dummy ran again, against the floor of
 * that run: T + F + the guests' own start (from the recovery's decision to the last Dummy running).
 *
 * <p>{@code HostsBench RUNS TIMING}
 */
public final class HostsBench {
    private static final List<String> HOSTS = List.of("h1", "h2", "h3");
    /** The host with the most guests powered off or cut off; the host of the ZooKeeper ensemble's leader powered off. */
    private static final List<String> FAULTS = List.of("power-off", "partition", "zk-leader-power-off");

    private final LabCluster cluster;
    private final Timing timing;

    private HostsBench(String timingName) {
        this.timing = Timing.profile(timingName);
        this.cluster = new LabCluster(LabCluster.LAB.resolve("shared/bench"), HOSTS,
                IntStream.rangeClosed(1, 4).mapToObj(i -> "guest" + i).toList(), "gnhb-", "bench", "", timingName);
    }

    /** One run's figures, in seconds from the fault. */
    record Run(String fault, String host, int guests, double claimsGone, double online, double dummies, double floor,
               int othersDown) {
        String line() {
            return String.format(Locale.ROOT, "| %s | %s (%d guests) | %.1f | %.1f | %.1f | %.1f | %.2fx | %d |",
                    fault, host, guests, claimsGone, online, dummies, floor, dummies / floor, othersDown);
        }
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        HostsBench b = new HostsBench(args[1]);
        b.cluster.define();
        for (String h : HOSTS) {
            b.cluster.startDaemon(h);
        }
        b.awaitAllUp();
        System.out.printf(Locale.ROOT, "timing %s: T %.1f s, F %.1f s%n", args[1],
                b.timing.sessionTimeout().toMillis() / 1000.0, b.timing.fenceDelay().toMillis() / 1000.0);
        b.idle(Duration.ofSeconds(60));
        System.out.println("| fault | host | claims gone (s) | all online (s) | all Dummies (s) | floor (s) | / floor "
                + "| other hosts' guests down |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
        List<Run> all = new ArrayList<>();
        for (String fault : FAULTS) {
            for (int i = 0; i < runs; i++) {
                Run r;
                try {
                    r = b.run(fault);
                } finally {
                    b.keepLogs(args[1]);
                }
                all.add(r);
                System.out.println(r.line());
                b.restore(fault, r.host());
            }
        }
        for (String fault : FAULTS) {
            List<Run> rs = all.stream().filter(r -> r.fault().equals(fault)).toList();
            if (rs.isEmpty()) {
                continue; // --runs 0: the idle figures only
            }
            System.out.printf(Locale.ROOT, "%s: all Dummies median %.1f s, max %.1f s; floor median %.1f s; "
                    + "median / floor %.2fx%n", fault, median(rs, Run::dummies), rs.stream().mapToDouble(Run::dummies)
                    .max().orElse(0), median(rs, Run::floor), median(rs, Run::dummies) / median(rs, Run::floor));
        }
        System.exit(0);
    }

    private static double median(List<Run> rs, java.util.function.ToDoubleFunction<Run> f) {
        double[] v = rs.stream().mapToDouble(f).sorted().toArray();
        return v.length == 0 ? 0 : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private Map<String, JsonNode> awaitAllUp() throws InterruptedException {
        return cluster.await(s -> s.size() == HOSTS.size() && cluster.everyGuestUp().test(s), Duration.ofSeconds(180));
    }

    /** Faults the host that runs the most guests; returns when every one of its guests runs its Dummy elsewhere. */
    private Run run(String fault) throws Exception {
        Map<String, JsonNode> s = awaitAllUp();
        Thread.sleep(3000); // the hosts' sessions and claims settle after the last recovery
        String host = fault.startsWith("zk-leader") ? zkLeaderHost() : HOSTS.stream().max(
                java.util.Comparator.comparingLong(h -> cluster.guests().stream()
                        .filter(g -> LabCluster.runningOn(s, g).contains(h)).count())).orElseThrow();
        List<String> victims = cluster.guests().stream().filter(g -> LabCluster.runningOn(s, g).contains(host))
                .toList();
        double gone = -1;
        double decided = -1;
        double online = -1;
        double dummies = -1;
        java.util.Set<String> othersDown = new java.util.TreeSet<>();
        // connected before the fault: once it begins, the other servers may be electing a new ZooKeeper leader
        try (ZkCoordination zk = new ZkCoordination(otherThan(host), "/guestnode/bench", "bench", timing)) {
            long t0 = System.nanoTime();
            Shell.Result r = lab(fault.startsWith("zk-leader") ? "power-off" : fault, host);
            if (r.exitCode() != 0) {
                throw new IllegalStateException(fault + " " + host + " failed: " + r.output());
            }
            while (dummies < 0) {
                double t = (System.nanoTime() - t0) / 1e9;
                if (t > 120) {
                    throw new IllegalStateException(fault + " of " + host + ": " + victims + " not back within 120 s: "
                            + cluster.summary(cluster.statuses()));
                }
                try {
                    if (gone < 0 && claimsGone(zk, victims, host)) {
                        gone = t;
                    }
                    if (decided < 0 && ownedElsewhere(zk, victims, host)) {
                        decided = t;
                    }
                } catch (Exception e) {
                    // ZooKeeper moving the session after the fault: read again
                }
                Map<String, JsonNode> now = cluster.statuses();
                now.remove(host);
                if (online < 0 && victims.stream().allMatch(g -> now.values().stream()
                        .anyMatch(x -> StatusJson.online(x, g)))) {
                    online = t;
                }
                if (victims.stream().allMatch(g -> !LabCluster.runningOn(now, g).isEmpty())) {
                    dummies = t;
                }
                if (now.size() == HOSTS.size() - 1) { // every other host answered
                    cluster.guests().stream().filter(g -> !victims.contains(g) && LabCluster.runningOn(now, g)
                            .isEmpty()).forEach(othersDown::add);
                }
                Thread.sleep(100);
            }
        }
        double ownStart = dummies - (decided < 0 ? dummies : decided);
        double floor = (timing.sessionTimeout().toMillis() + timing.fenceDelay().toMillis()) / 1000.0 + ownStart;
        return new Run(fault, host, victims.size(), gone, online, dummies, floor, othersDown.size());
    }

    /** The host whose ZooKeeper server leads the ensemble now. */
    private static String zkLeaderHost() throws Exception {
        JsonNode hosts = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lab("status", "--json").output());
        for (JsonNode h : hosts) {
            if (h.get("zookeeper").asText().equals("leader")) {
                return h.get("host").asText();
            }
        }
        throw new IllegalStateException("no ZooKeeper server leads: " + hosts);
    }

    /**
     * Nothing happening, every guest up: each host's ZooKeeper writes and reads per second (as its daemon counts them)
     * and its daemon's CPU (of one core) over {@code window}.
     */
    private void idle(Duration window) throws Exception {
        awaitAllUp();
        Thread.sleep(5000); // the last start's writes are done
        Map<String, JsonNode> s0 = cluster.statuses();
        Map<String, Long> cpu0 = IdleCpu.ticks(HOSTS, "bench");
        long n0 = System.nanoTime();
        Thread.sleep(window.toMillis());
        Map<String, JsonNode> s1 = cluster.statuses();
        Map<String, Long> cpu1 = IdleCpu.ticks(HOSTS, "bench");
        double secs = (System.nanoTime() - n0) / 1e9;
        System.out.printf(Locale.ROOT, "idle, %.0f s, every guest up (%d guests on %d hosts):%n%n", secs,
                cluster.guests().size(), HOSTS.size());
        System.out.println("| host | ZooKeeper writes/s | ZooKeeper reads/s | daemon CPU (% of one core) |");
        System.out.println("|---|---:|---:|---:|");
        for (String h : HOSTS) {
            JsonNode c0 = s0.get(h).get("cluster");
            JsonNode c1 = s1.get(h).get("cluster");
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f |%n", h,
                    (c1.get("zkWrites").asLong() - c0.get("zkWrites").asLong()) / secs,
                    (c1.get("zkReads").asLong() - c0.get("zkReads").asLong()) / secs,
                    (cpu1.get(h) - cpu0.get(h)) / IdleCpu.HZ / secs * 100);
        }
        System.out.println();
    }

    /** The hosts' daemon logs, kept in .cache/bench/hosts-logs (the lab's directory goes with the lab). */
    private void keepLogs(String timingName) throws java.io.IOException {
        java.nio.file.Path out = java.nio.file.Files.createDirectories(
                LabCluster.ROOT.resolve(".cache/bench/hosts-logs"));
        for (String h : HOSTS) {
            java.nio.file.Path log = cluster.shared().resolve(h).resolve("daemon.log");
            if (java.nio.file.Files.exists(log)) {
                java.nio.file.Files.copy(log, out.resolve(timingName + "-" + h + ".log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private void restore(String fault, String host) throws Exception {
        if (fault.endsWith("power-off")) {
            lab("power-on", host);
            cluster.startDaemon(host);
        } else {
            lab("heal", host);
        }
        awaitEnsemble();
        awaitAllUp();
    }

    /**
     * Every host's ZooKeeper server serves again (leader or follower): the next fault begins with the whole ensemble,
     * as a healed or restarted server takes a while to rejoin, and a fault meanwhile would cost the quorum.
     */
    private static void awaitEnsemble() throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            String status = lab("status", "--json").output();
            long serving = java.util.regex.Pattern.compile("\"zookeeper\":\"(leader|follower)\"").matcher(status)
                    .results().count();
            if (serving == HOSTS.size()) {
                return;
            }
            if (System.nanoTime() > until) {
                throw new IllegalStateException("the ZooKeeper ensemble did not serve again within 90 s: " + status);
            }
            Thread.sleep(250);
        }
    }

    private static boolean claimsGone(ZkCoordination zk, List<String> guests, String host) throws Exception {
        for (String g : guests) {
            if (zk.claimHolder(g).filter(host::equals).isPresent()) {
                return false;
            }
        }
        return true;
    }

    private static boolean ownedElsewhere(ZkCoordination zk, List<String> guests, String host) throws Exception {
        for (String g : guests) {
            Optional<String> owner = zk.guest(g).flatMap(v -> v.value().owner());
            if (owner.isEmpty() || owner.get().equals(host)) {
                return false;
            }
        }
        return true;
    }

    /** The ZooKeeper servers of the hosts other than {@code host}. */
    private String otherThan(String host) {
        return String.join(",", HOSTS.stream().filter(h -> !h.equals(host))
                .map(h -> "10.77.0." + h.substring(1) + ":2181").toList());
    }

    private static Shell.Result lab(String... args) {
        List<String> cmd = new ArrayList<>(List.of(LabCluster.ROOT.resolve("bin/lab").toString()));
        cmd.addAll(List.of(args));
        return Shell.run(cmd);
    }
}
