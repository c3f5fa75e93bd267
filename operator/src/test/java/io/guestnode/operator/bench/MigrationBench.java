package io.guestnode.operator.bench;

import io.guestnode.agents.remote.Endpoint;
import io.guestnode.agents.remote.tls.AuthKey;
import io.guestnode.agents.remote.tls.TlsConnection;
import io.guestnode.agents.remote.tls.TlsTransport;
import io.guestnode.operator.faults.LabCluster;
import io.guestnode.operator.faults.QemuWatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * {@code bin/bench --migrate}: on a lab of three hosts (made by the caller), guestnode on each with two QEMU (TCG)
 * guest nodes, {@code qg1} with allow-migrate and {@code qg2} without, and two LXC guest nodes, a Dummy in each.
 * {@code RUNS} times each: {@code guestnode move qg1} to the next host (live migration) and {@code guestnode move qg2}
 * (relocation: stop, hand over, start). Each run measures from the command: libvirt's migration alone (the floor a
 * migration cannot go below), the guest's pause (no host running it, every host's libvirt sampled every 20 ms), the
 * gap of a TCP poke loop to its remoted port, the connection back after the resume, the gap of the Dummy's monitor (from
 * the source letting go to the target's first monitor), and the whole move until the Dummy is monitored on the target.
 * The floor of the connection back is measured at the end of the same run: TCP and TLS to the live-migrated guest
 * running idle (the median of three handshakes after one to warm up, 2 s apart), next to the TCP and TLS of each target's
 * connection after the resume (its log says them). Only at the end: pacemaker-remoted tells its client of every new
 * TLS client, and the daemon then reconnects (an unexpected takeover).
 * Then a host holding all four guests is put in standby: its drain time.
 *
 * <p>{@code MigrationBench RUNS}
 */
public final class MigrationBench {
    private static final List<String> HOSTS = List.of("h1", "h2", "h3");
    private static final String PREFIX = "gnmb-";
    private final LabCluster cluster = new LabCluster(LabCluster.LAB.resolve("shared/mb"), HOSTS,
            List.of("lg1", "lg2"), PREFIX, "mb", "<nvpair name=\"connection-monitor-interval\" value=\"1s\"/>"
            + "<nvpair name=\"connection-monitor-timeout\" value=\"2s\"/>", "default");

    /** One move's figures (ms); -1 where the logs did not say. */
    record Move(String guest, String from, String to, long total, long libvirt, long pause, long pokeGap,
                long connectAfterResume, long monitorGap, long tcpTlsAfterResume) {
        String line() {
            return String.format(Locale.ROOT, "| %s | %s -> %s | %.2f | %s | %.2f | %.2f | %s | %s | %s |", guest,
                    from, to, total / 1000.0, ms(libvirt), pause / 1000.0, pokeGap / 1000.0, ms(connectAfterResume),
                    ms(monitorGap), ms(tcpTlsAfterResume));
        }

        static String ms(long v) {
            return v < 0 ? "-" : String.format(Locale.ROOT, "%.2f", v / 1000.0);
        }
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        MigrationBench b = new MigrationBench();
        b.cluster.define();
        b.cluster.defineQemu("qg1", "10.251.1.10", true);
        b.cluster.defineQemu("qg2", "10.251.1.11", false);
        for (String h : HOSTS) {
            b.cluster.startDaemon(h);
        }
        try (QemuWatch w1 = new QemuWatch(HOSTS, PREFIX + "qg1", "10.251.1.10");
             QemuWatch w2 = new QemuWatch(HOSTS, PREFIX + "qg2", "10.251.1.11")) {
            b.cluster.await(s -> List.of("qg1", "qg2", "lg1", "lg2").stream().allMatch(g ->
                    LabCluster.runningOn(s, g).size() == 1), Duration.ofSeconds(300));
            System.out.println("| guest | move | total: command to Dummy monitored there (s) | libvirt's migration (s) "
                    + "| pause: no host running it (s) | poke gap (s) | connected after the resume (s) "
                    + "| monitor gap (s) | tcp + TLS after the resume (s) |");
            System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
            List<Move> live = new ArrayList<>();
            List<Move> restart = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                live.add(b.move("qg1", w1));
                System.out.println(live.get(live.size() - 1).line());
            }
            for (int i = 0; i < runs; i++) {
                restart.add(b.move("qg2", w2));
                System.out.println(restart.get(restart.size() - 1).line());
            }
            summary("live migration (qg1)", live);
            summary("relocation (qg2)", restart);
            b.drain();
            System.out.printf(Locale.ROOT, "floor of the connection back: tcp + TLS to qg1 running idle, median of 3: "
                    + "%s s%n", Move.ms(b.idleHandshake(w1.address())));
            if (!w1.overlaps().isEmpty() || !w2.overlaps().isEmpty()) {
                System.out.println("OVERLAPS: " + w1.overlaps() + " " + w2.overlaps());
            }
        } finally {
            b.cluster.keepLogs("bench-migration");
        }
    }

    static void summary(String what, List<Move> ms) {
        System.out.printf(Locale.ROOT, "%s, median / max over %d: total %s, libvirt %s, pause %s, poke gap %s, "
                        + "connected after the resume %s, monitor gap %s, tcp + TLS after the resume %s%n", what,
                ms.size(), mm(ms, Move::total), mm(ms, Move::libvirt), mm(ms, Move::pause), mm(ms, Move::pokeGap),
                mm(ms, Move::connectAfterResume), mm(ms, Move::monitorGap), mm(ms, Move::tcpTlsAfterResume));
    }

    static String mm(List<Move> ms, ToDoubleFunction<Move> f) {
        List<Double> v = ms.stream().mapToDouble(f).filter(x -> x >= 0).sorted().boxed().toList();
        if (v.isEmpty()) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f / %.2f s", v.get(v.size() / 2) / 1000.0, v.get(v.size() - 1) / 1000.0);
    }

    private Move move(String guest, QemuWatch w) throws Exception {
        String from = LabCluster.runningOn(cluster.statuses(), guest).get(0);
        String to = HOSTS.get((HOSTS.indexOf(from) + 1) % HOSTS.size());
        long[] before = HOSTS.stream().mapToLong(this::lines).toArray();
        Thread.sleep(3_000); // a few monitors on the source first
        w.reset();
        long t0 = System.nanoTime();
        LocalTime start = LocalTime.now();
        int rc = cli(from, "move", guest, to, "--wait=300s");
        if (rc != 0) {
            throw new IllegalStateException("move " + guest + " to " + to + ": exit " + rc);
        }
        cluster.await(s -> LabCluster.runningOn(s, guest).equals(List.of(to)), Duration.ofSeconds(120));
        Optional<LocalTime> monitored = Optional.empty();
        long until = System.nanoTime() + 30_000_000_000L;
        while (monitored.isEmpty() && System.nanoTime() < until) {
            monitored = at(to, before[HOSTS.indexOf(to)], "[" + guest + "] monitor dummy-" + guest + " on " + guest
                    + " every", "done");
            Thread.sleep(100);
        }
        long total = monitored.map(t -> Duration.between(start, t).toMillis())
                .orElse((System.nanoTime() - t0) / 1_000_000);
        Thread.sleep(1_000);
        Optional<Long> libvirt = line(from, before[HOSTS.indexOf(from)], "migrated live to", "(paused there)")
                .map(l -> Long.parseLong(l.replaceAll(".* in (\\d+) ms.*", "$1")));
        Optional<LocalTime> resumed = at(to, before[HOSTS.indexOf(to)], guest + ": resumed here after", "");
        Optional<LocalTime> connected = resumed.isEmpty() ? Optional.empty()
                : at(to, before[HOSTS.indexOf(to)], "[" + guest + "] connect " + guest + ": done", "");
        Optional<LocalTime> letGo = at(from, before[HOSTS.indexOf(from)], "[" + guest + "] let go for its live "
                + "migration", "");
        Optional<LocalTime> lastSource = letGo.isPresent() ? letGo : at(from, before[HOSTS.indexOf(from)],
                "[" + guest + "] stop dummy-" + guest, "");
        long tcpTls = resumed.isEmpty() ? -1 : line(to, before[HOSTS.indexOf(to)], w.address() + ":3121: connected at "
                + "attempt", "").map(MigrationBench::tcpPlusTls).orElse(-1L);
        return new Move(guest, from, to, total, libvirt.orElse(-1L), w.longestNotRunning(), w.longestSilence(),
                resumed.isPresent() && connected.isPresent()
                        ? Duration.between(resumed.get(), connected.get()).toMillis() : -1,
                lastSource.isPresent() && monitored.isPresent()
                        ? Duration.between(lastSource.get(), monitored.get()).toMillis() : -1,
                tcpTls);
    }

    /** "...: connected at attempt 1: tcp 39 ms, tls 102 ms, register 83 ms": tcp + tls. */
    static long tcpPlusTls(String logLine) {
        var m = java.util.regex.Pattern.compile("tcp (\\d+) ms, tls (\\d+) ms").matcher(logLine);
        return m.find() ? Long.parseLong(m.group(1)) + Long.parseLong(m.group(2)) : -1;
    }

    /** TCP and TLS to the guest running idle: the median of three handshakes after one that warms up. */
    private long idleHandshake(String address) throws IOException, InterruptedException {
        AuthKey key = AuthKey.ofBytes("the lab's key", Files.readAllBytes(cluster.shared().resolve("authkey")));
        var timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            List<Long> ms = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                try (TlsConnection c = new TlsTransport(timer).open(new Endpoint(address, 3121), key,
                        Duration.ofSeconds(5), Duration.ofSeconds(5), true, 2048)) {
                    ms.add((c.connectNanos() + c.handshakeNanos()) / 1_000_000);
                } catch (io.guestnode.agents.remote.ConnectFailure f) {
                    return -1;
                }
                Thread.sleep(2_000); // the daemon reconnects after each (a new client): the guest is idle again
            }
            List<Long> sorted = ms.subList(1, ms.size()).stream().sorted().toList();
            return sorted.get(1);
        } finally {
            timer.shutdownNow();
        }
    }

    /** A host holding all four guests is put in standby: how long until all run elsewhere. */
    private void drain() throws Exception {
        String host = LabCluster.runningOn(cluster.statuses(), "qg1").get(0);
        for (String g : List.of("qg2", "lg1", "lg2")) {
            cli(host, "move", g, host, "--wait=300s");
        }
        for (String g : List.of("qg1", "qg2", "lg1", "lg2")) {
            cli(host, "clear", g);
        }
        long t0 = System.nanoTime();
        int rc = cli(host, "standby", host, "--wait=300s");
        cluster.await(s -> List.of("qg1", "qg2", "lg1", "lg2").stream().allMatch(g -> {
            List<String> on = LabCluster.runningOn(s, g);
            return on.size() == 1 && !on.get(0).equals(host);
        }), Duration.ofSeconds(300));
        System.out.printf(Locale.ROOT, "standby of %s with 4 guests (qg1 live, qg2, lg1 and lg2 relocated): exit %d, "
                + "all online elsewhere with their Dummies after %.1f s%n", host, rc, (System.nanoTime() - t0) / 1e9);
        cli(host, "unstandby", host);
    }

    private int cli(String host, String... args) {
        return cluster.cli(host, args).exitCode();
    }

    private long lines(String host) {
        try {
            return Files.readAllLines(log(host)).size();
        } catch (IOException e) {
            return 0;
        }
    }

    private Path log(String host) {
        return cluster.shared().resolve(host).resolve("daemon.log");
    }

    /** The first line of {@code host}'s log after {@code skip} lines holding both texts. */
    private Optional<String> line(String host, long skip, String a, String b) throws IOException {
        return Files.readAllLines(log(host)).stream().skip(skip).filter(l -> l.contains(a) && l.contains(b))
                .findFirst();
    }

    /** When that line was logged (the log's time of day). */
    private Optional<LocalTime> at(String host, long skip, String a, String b) throws IOException {
        return line(host, skip, a, b).map(l -> LocalTime.parse(l.substring(0, 12)));
    }

}
