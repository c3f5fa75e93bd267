package io.guestnode.operator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guestnode.operator.cli.GuestnodeCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scale: N LXC guests with a Dummy each, in three phases that bin/bench runs one after the other, each alone on the
 * host (Pacemaker's daemons are stopped before the other two run): Pacemaker (leaving maintenance mode with the N
 * guests declared), the floor (raw {@code virsh create}, first handshake, Dummy started) and guestnode (starting with
 * the same CIB). For each: time until all guests are online and all Dummies started, then CPU and peak RSS of the
 * manager's processes over 60 s of steady state (beginning 20 s after the last Dummy started). The time allowed
 * grows with N ({@link #cap}). The daemon runs with the JVM options bin/guestnode gives it.
 *
 * <p>{@code ScaleBench WORK ROOT KEY JAR pacemaker|floor|guestnode N} measures one phase into WORK/scale-N;
 * {@code ScaleBench WORK ROOT KEY JAR table N...} writes WORK/scale.md from what was measured.
 */
public final class ScaleBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Seconds allowed for N guests to come up: 300 s and 2 s more per guest (the floor took 296 s for 500). */
    static long cap(int n) {
        return 300 + 2L * n;
    }

    static final int STEADY_S = 60;
    /** Steady state begins this long after the last Dummy started. */
    static final int SETTLE_S = 20;
    /**
     * Each Dummy's recurring monitor, for every phase alike. At 10 s the Dummy agents alone (a shell script, ~35 ms
     * of CPU a run) would need about 1.7 cores for 500 guests on a 2-core host: the host would be saturated by the
     * guests' own workload rather than by starting them.
     */
    static final int MONITOR_S = 60;

    final Path work;
    final Path root;
    final Path key;
    final Path jar;
    final Path pcmkLog;

    ScaleBench(Path work, Path root, Path key, Path jar) {
        this.work = work;
        this.root = root;
        this.key = key;
        this.jar = jar;
        this.pcmkLog = work.resolve("pcmk-log/pacemaker.log");
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        ScaleBench b = new ScaleBench(work, Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
        String phase = args[4];
        if (phase.equals("table")) {
            List<Integer> ns = new ArrayList<>();
            for (int i = 5; i < args.length; i++) {
                ns.add(Integer.parseInt(args[i]));
            }
            String table = ScaleTable.render(work, ns);
            Files.writeString(work.resolve("scale.md"), table);
            System.out.println();
            System.out.print(table);
            return;
        }
        int n = Integer.parseInt(args[5]);
        Path dir = b.prepare(n);
        ScaleTable.Row row = switch (phase) {
            case "pacemaker" -> b.pacemaker(n, dir);
            case "floor" -> b.floor(n, dir);
            case "guestnode" -> b.guestnode(n, dir);
            default -> throw new IllegalArgumentException("unknown phase " + phase);
        };
        ScaleTable.write(dir.resolve(phase + ".tsv"), row);
        System.out.printf(Locale.ROOT, "%s, %d guests: %s%n", phase, n, row);
    }

    String name(int i) {
        return "gn-scale-g" + i;
    }

    String addr(int i) {
        return "10.250." + (120 + i / 250) + "." + (i % 250 + 2);
    }

    /** Writes the N guests' domain XML, keys and CIB (once) and returns their directory. */
    Path prepare(int n) throws Exception {
        Path dir = Files.createDirectories(work.resolve("scale-" + n));
        if (Files.exists(dir.resolve("cib.xml"))) {
            return dir;
        }
        byte[] keyBytes = Files.readAllBytes(key);
        StringBuilder res = new StringBuilder("<resources>");
        StringBuilder cons = new StringBuilder("<constraints>");
        for (int i = 1; i <= n; i++) {
            Path keyDir = Files.createDirectories(dir.resolve("keys/g" + i));
            Files.setPosixFilePermissions(keyDir, PosixFilePermissions.fromString("rwx------"));
            Files.write(keyDir.resolve("authkey"), keyBytes);
            StringWriter xml = new StringWriter();
            GuestnodeCli.run(new String[] {"template", "lxc", "--name", name(i), "--addr", addr(i), "--memory", "64",
                "--root", root.toString(), "--key-dir", keyDir.toString()}, new PrintWriter(xml, true),
                    new PrintWriter(new StringWriter(), true));
            Path config = Files.writeString(dir.resolve("g" + i + ".xml"), xml.toString());
            res.append("""
                    <primitive id="vm-g%1$d" class="ocf" provider="heartbeat" type="VirtualDomain">
                      <instance_attributes id="vm-g%1$d-ia"><nvpair id="vm-g%1$d-c" name="config" value="%2$s"/>
                        <nvpair id="vm-g%1$d-h" name="hypervisor" value="lxc:///"/>
                        <nvpair id="vm-g%1$d-f" name="force_stop" value="true"/></instance_attributes>
                      <meta_attributes id="vm-g%1$d-m"><nvpair id="vm-g%1$d-rn" name="remote-node" value="g%1$d"/>
                        <nvpair id="vm-g%1$d-ra" name="remote-addr" value="%3$s"/>
                        <nvpair id="vm-g%1$d-rct" name="remote-connect-timeout" value="120s"/></meta_attributes>
                      <operations><op id="vm-g%1$d-mon" name="monitor" interval="10s" timeout="30s"/></operations>
                    </primitive>
                    <primitive id="dummy%1$d" class="ocf" provider="pacemaker" type="Dummy">
                      <operations><op id="dummy%1$d-mon" name="monitor" interval="%4$ds" timeout="20s"/></operations>
                    </primitive>
                    """.formatted(i, config, addr(i), MONITOR_S));
            cons.append("<rsc_location id=\"d%1$d-on\" rsc=\"dummy%1$d\" node=\"g%1$d\" score=\"INFINITY\"/>"
                    .formatted(i));
            cons.append("<rsc_location id=\"d%1$d-not-host\" rsc=\"dummy%1$d\" node=\"host1\" score=\"-INFINITY\"/>"
                    .formatted(i));
        }
        res.append("</resources>");
        cons.append("</constraints>");
        Files.writeString(dir.resolve("resources.xml"), res);
        Files.writeString(dir.resolve("constraints.xml"), cons);
        Files.writeString(dir.resolve("cib.xml"), "<cib><configuration><crm_config/><nodes/>" + res + cons
                + "</configuration><status/></cib>");
        return dir;
    }

    /** Pacemaker, running (bin/bench starts it before and stops it after): leaves maintenance mode. */
    ScaleTable.Row pacemaker(int n, Path dir) throws Exception {
        sh("crm_attribute", "-n", "maintenance-mode", "-v", "true");
        sh("cibadmin", "--replace", "-o", "resources", "--xml-file", dir.resolve("resources.xml").toString());
        sh("cibadmin", "--replace", "-o", "constraints", "--xml-file", dir.resolve("constraints.xml").toString());
        Thread.sleep(2000);
        Instant t0 = Instant.now();
        sh("crm_attribute", "-n", "maintenance-mode", "-v", "false");
        Double pOnline = awaitCount(Pattern.compile("Result of start operation for (g\\d+) on host1: ok"), n, t0);
        Double pDummy = pOnline == null ? null
                : awaitCount(Pattern.compile("Result of start operation for (dummy\\d+) on g\\d+: ok"), n, t0);
        double[] pUse = usage(pacemakerPids());
        sh("crm_attribute", "-n", "stop-all-resources", "-v", "true");
        waitNoDomains(n, (int) cap(n));
        sh("crm_attribute", "-n", "maintenance-mode", "-v", "true");
        sh("crm_attribute", "-n", "stop-all-resources", "-v", "false");
        destroyAll(n);
        return new ScaleTable.Row(pOnline, pDummy, pUse[0], pUse[1], -1);
    }

    /** guestnode, alone on the host, with the same CIB. */
    ScaleTable.Row guestnode(int n, Path dir) throws Exception {
        Path cib = dir.resolve("cib.xml");
        Path state = dir.resolve("state");
        if (Files.exists(state)) { // a fresh daemon: nothing remembered from an earlier run
            try (var files = Files.walk(state)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        Path sock = dir.resolve("gn.sock");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Instant g0 = Instant.now();
        List<String> command = new ArrayList<>(List.of(javaBin));
        command.addAll(io.guestnode.agents.testing.DaemonJvm.options(jar.toAbsolutePath().getParent().getParent()
                .getParent()));
        command.addAll(List.of("-jar", jar.toString(), "run",
                "--definitions", cib.toString(), "--state-dir", dir.resolve("state").toString(), "--socket",
                sock.toString(), "--key", key.toString(), "--node-name", "host1"));
        Process daemon = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("guestnode.log")
                        .toFile())).start();
        Double gOnline = null;
        Double gDummy = null;
        long online = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(cap(n));
        while (System.nanoTime() < deadline && gDummy == null) {
            JsonNode s = status(sock);
            if (s != null) {
                online = 0;
                for (JsonNode g : s.get("guests")) {
                    online += g.get("online").asBoolean() ? 1 : 0;
                }
                long started = 0;
                for (JsonNode r : s.get("resources")) {
                    started += r.get("id").asText().startsWith("dummy") && r.get("role").asText().equals("Started") ? 1 : 0;
                }
                if (gOnline == null && online == n) {
                    gOnline = secondsSince(g0);
                }
                if (started == n) {
                    gDummy = secondsSince(g0);
                }
            }
            Thread.sleep(500); // a status of N guests every half second: the bench itself must not load the daemon
        }
        double[] gUse = usage(List.of(daemon.pid()));
        long givenUp = givenUp(sock, n);
        daemon.destroy();
        daemon.waitFor(10, TimeUnit.SECONDS);
        destroyAll(n);
        for (int i = 1; i <= n; i++) {
            sh("virsh", "-q", "-c", "lxc:///", "undefine", name(i));
        }
        return new ScaleTable.Row(gOnline, gDummy, gUse[0], gUse[1], givenUp);
    }

    /**
     * Guests guestnode gave up on at the end of the run: not online, or with a failure that keeps them or their
     * Dummy stopped (a fail count of INFINITY, or at the migration threshold).
     */
    static long givenUp(Path sock, int n) {
        JsonNode s = status(sock);
        if (s == null) {
            return n;
        }
        java.util.Set<String> out = new java.util.HashSet<>();
        for (JsonNode g : s.get("guests")) {
            if (!g.get("online").asBoolean()) {
                out.add(g.get("node").asText());
            }
        }
        for (JsonNode r : s.get("resources")) {
            if (r.get("id").asText().startsWith("dummy") && !r.get("role").asText().equals("Started")) {
                out.add(r.get("id").asText().replace("dummy", "g"));
            }
        }
        return out.size();
    }

    /**
     * The floor: raw virsh create of every guest (8 at once), each guest's first TLS handshake tried every 5 ms, then
     * its Dummy started without a probe and its recurring monitor registered (the same workload as the CIB's; the
     * sessions stay open until every guest is up, as a manager's do). Seconds until every guest answered, and until
     * every Dummy was started.
     */
    ScaleTable.Row floor(int n, Path dir) throws Exception {
        io.guestnode.agents.remote.tls.AuthKey authKey = io.guestnode.agents.remote.tls.AuthKey.load(key);
        java.util.concurrent.Semaphore virsh = new java.util.concurrent.Semaphore(8);
        long[] online = new long[n + 1];
        long[] dummy = new long[n + 1];
        long t0 = System.nanoTime();
        List<io.guestnode.agents.remote.RemoteExecutor> sessions = java.util.Collections.synchronizedList(
                new ArrayList<>());
        try (var client = new io.guestnode.agents.remote.RemoteExecutorClient();
             var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> all = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                int g = i;
                all.add(threads.submit(() -> {
                    virsh.acquire();
                    try {
                        sh("virsh", "-q", "-c", "lxc:///", "create", dir.resolve("g" + g + ".xml").toString());
                    } finally {
                        virsh.release();
                    }
                    var endpoint = new io.guestnode.agents.remote.Endpoint(addr(g), 3121);
                    var session = GuestBench.firstHandshake(client, authKey, endpoint, 5, cap(n));
                    sessions.add(session);
                    online[g] = System.nanoTime();
                    GuestBench.startDummy(session, "dummy" + g);
                    dummy[g] = System.nanoTime();
                    session.exec(io.guestnode.agents.remote.message.ExecRequest.of("dummy" + g, "monitor",
                            MONITOR_S * 1000L, 20_000, new java.util.LinkedHashMap<>()));
                    return null;
                }));
            }
            for (var f : all) {
                f.get();
            }
            sessions.forEach(io.guestnode.agents.remote.RemoteExecutor::close);
        }
        long lastOnline = 0;
        long lastDummy = 0;
        for (int i = 1; i <= n; i++) {
            lastOnline = Math.max(lastOnline, online[i]);
            lastDummy = Math.max(lastDummy, dummy[i]);
        }
        destroyAll(n);
        return new ScaleTable.Row((lastOnline - t0) / 1e9, (lastDummy - t0) / 1e9, -1, -1, -1);
    }

    static double secondsSince(Instant t) {
        return (Instant.now().toEpochMilli() - t.toEpochMilli()) / 1000.0;
    }

    /** Waits until {@code n} distinct resources matched (group 1) in Pacemaker's log after {@code t0}. */
    Double awaitCount(Pattern p, int n, Instant t0) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(cap(n));
        while (System.nanoTime() < deadline) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            Instant last = null;
            for (String line : Files.readAllLines(pcmkLog)) {
                Matcher m = p.matcher(line);
                if (line.length() < 19 || !m.find()) {
                    continue;
                }
                Instant at = GuestBench.pacemakerLogTime(line);
                if (!at.isBefore(t0.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)) && seen.add(m.group(1))) {
                    last = at;
                }
            }
            if (seen.size() >= n) {
                return (last.toEpochMilli() - t0.toEpochMilli()) / 1000.0;
            }
            Thread.sleep(500);
        }
        return null;
    }

    /**
     * CPU (% of one core) over the steady-state window, and peak RSS (MiB) sampled each second. A process counts only
     * if the same one (pid and start time) lived through the whole window, so a process that exited or was replaced
     * never makes the figure negative; the children a process waited for count as its own.
     */
    double[] usage(List<Long> pids) throws Exception {
        Thread.sleep(SETTLE_S * 1000L);
        java.util.Map<String, Long> t0 = cpuTicks(pids);
        List<java.util.Map<String, ThreadCpu.Task>> threads0 = pids.stream().map(ThreadCpu::snapshot).toList();
        double peak = 0;
        for (int i = 0; i < STEADY_S; i++) {
            peak = Math.max(peak, rssMiB(pids));
            Thread.sleep(1000);
        }
        java.util.Map<String, Long> t1 = cpuTicks(pids);
        if (pids.size() == 1) {
            System.out.print("  CPU by thread (% of one core):\n"
                    + ThreadCpu.report(threads0.get(0), ThreadCpu.snapshot(pids.get(0)), STEADY_S, 10));
        }
        long ticks = 0;
        for (var e : t1.entrySet()) {
            Long before = t0.get(e.getKey());
            if (before != null && e.getValue() >= before) {
                ticks += e.getValue() - before;
            }
        }
        double cpu = ticks / 100.0 / STEADY_S * 100.0;
        return new double[] {cpu, peak};
    }

    /** CPU ticks (own and waited-for children's) by "pid start-time". */
    static java.util.Map<String, Long> cpuTicks(List<Long> pids) {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13])
                        + Long.parseLong(f[14]);
                out.put(pid + " " + f[19], ticks);
            } catch (IOException | RuntimeException gone) {
                // exited
            }
        }
        return out;
    }

    static double rssMiB(List<Long> pids) {
        double kb = 0;
        for (long pid : pids) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        kb += Double.parseDouble(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | RuntimeException gone) {
                // exited
            }
        }
        return kb / 1024;
    }

    static List<Long> pacemakerPids() throws Exception {
        List<Long> out = new ArrayList<>();
        for (String pattern : List.of("pacemakerd", "pacemaker-based", "pacemaker-fenced", "pacemaker-execd",
                "pacemaker-attrd", "pacemaker-schedulerd", "pacemaker-controld", "corosync")) {
            for (String l : GuestBench.capture("pgrep", "-f", pattern).lines().toList()) {
                if (!l.isBlank()) {
                    out.add(Long.parseLong(l.trim()));
                }
            }
        }
        return out;
    }

    void waitNoDomains(int n, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String list = GuestBench.capture("virsh", "-q", "-c", "lxc:///", "list", "--name");
            if (list.lines().noneMatch(l -> l.startsWith("gn-scale-g"))) {
                return;
            }
            Thread.sleep(500);
        }
    }

    void destroyAll(int n) throws Exception {
        for (int i = 1; i <= n; i++) {
            sh("virsh", "-q", "-c", "lxc:///", "destroy", name(i));
        }
    }

    static JsonNode status(Path sock) {
        try {
            StringWriter out = new StringWriter();
            int rc = GuestnodeCli.run(new String[] {"status", "--output-as", "json", "--socket", sock.toString()},
                    new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
            return rc == 0 ? JSON.readTree(out.toString()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    static void sh(String... cmd) throws Exception {
        GuestBench.sh(cmd);
    }
}
