package io.guestnode.operator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guestnode.agents.remote.ConnectFailure;
import io.guestnode.agents.remote.ConnectOptions;
import io.guestnode.agents.remote.Endpoint;
import io.guestnode.agents.remote.RemoteExecutorClient;
import io.guestnode.agents.remote.SessionListener;
import io.guestnode.agents.remote.tls.AuthKey;
import io.guestnode.operator.cli.GuestnodeCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Year;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * guestnode against Pacemaker on the same guest, image and CIB, and both against the physical floor, in one
 * run: start (enable to guest online, to Dummy started), recovery after kill -9 of the guest's remoted, and
 * after the domain is destroyed behind the manager's back. Systems alternate (A/B, B/A) and ratios are taken
 * pair by pair. Events are timed from each system's own record: Pacemaker's log (ms) and guestnode's journal.
 * bin/bench prepares the host, the guest and the Pacemaker cluster and runs this.
 */
public final class GuestBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path work;
    final String domain;
    final String addr;
    final Path config;
    final Path keyFile;
    final Path cib;
    final Path jar;
    final Path socket;
    final Path pcmkLog;
    final Map<String, List<Double>> samples = new LinkedHashMap<>();

    GuestBench(Path work) throws IOException {
        this.work = work;
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(work.resolve("bench.env"))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        this.domain = env.get("DOMAIN");
        this.addr = env.get("ADDR");
        this.config = Path.of(env.get("CONFIG"));
        this.keyFile = Path.of(env.get("KEY"));
        this.cib = Path.of(env.get("CIB"));
        this.jar = Path.of(env.get("JAR"));
        this.socket = work.resolve("guestnode.sock");
        this.pcmkLog = work.resolve("pcmk-log/pacemaker.log");
    }

    public static void main(String[] args) throws Exception {
        Path work = null;
        int runs = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--work" -> work = Path.of(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        GuestBench b = new GuestBench(work);
        b.run(runs);
    }

    // ------------------------------------------------------------------ systems

    interface System {
        String name();

        void begin() throws Exception;

        void enable() throws Exception;

        void disable() throws Exception;

        void end() throws Exception;

        /** When the first record matching {@code p} after {@code after} appears (waits up to 60 s). */
        Instant await(Pattern p, Instant after) throws Exception;
    }

    final class Pacemaker implements System {
        public String name() {
            return "pacemaker";
        }

        public void begin() throws Exception {
            sh("crm_attribute", "-n", "maintenance-mode", "-v", "false");
            Thread.sleep(1500);
        }

        public void enable() throws Exception {
            sh("crm_resource", "-r", "vm-guest1", "-m", "-p", "target-role", "-v", "Started");
        }

        public void disable() throws Exception {
            sh("crm_resource", "-r", "vm-guest1", "-m", "-p", "target-role", "-v", "Stopped");
        }

        public void end() throws Exception {
            sh("crm_resource", "-C");
            Thread.sleep(500);
            sh("crm_attribute", "-n", "maintenance-mode", "-v", "true");
            Thread.sleep(500);
        }

        public Instant await(Pattern p, Instant after) throws Exception {
            return awaitLog(pcmkLog, p, after, GuestBench::pacemakerLogTime);
        }
    }

    final class Guestnode implements System {
        Process daemon;

        public String name() {
            return "guestnode";
        }

        public void begin() throws Exception {
            String javaBin = Path.of(java.lang.System.getProperty("java.home"), "bin", "java").toString();
            daemon = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                    "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xms16m", "-Xmx512m", "-XX:MaxMetaspaceSize=128m",
                    "-jar", jar.toString(), "run",
                    "--definitions", cib.toString(), "--state-dir", work.resolve("gn-state").toString(),
                    "--socket", socket.toString(), "--key", keyFile.toString(), "--node-name", "host1")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                            work.resolve("guestnode.log").toFile())).start();
            long deadline = java.lang.System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (java.lang.System.nanoTime() < deadline) {
                JsonNode s = status();
                if (s != null) {
                    return;
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException("guestnode did not start");
        }

        public void enable() {
            cli("enable", "vm-guest1");
        }

        public void disable() {
            cli("disable", "vm-guest1");
        }

        public void end() throws Exception {
            cli("cleanup", "guest1");
            cli("cleanup", "dummy1");
            daemon.destroy();
            daemon.waitFor(10, TimeUnit.SECONDS);
        }

        /**
         * Follows the daemon's log, as Pacemaker's is followed (polling its status every few milliseconds would
         * load the daemon being measured); its lines are stamped to the millisecond, like Pacemaker's.
         */
        public Instant await(Pattern p, Instant after) throws Exception {
            return awaitLog(work.resolve("guestnode.log"), p, after, GuestBench::guestnodeLogTime);
        }

        JsonNode status() throws IOException {
            StringWriter out = new StringWriter();
            int rc = GuestnodeCli.run(new String[] {"status", "--output-as", "json", "--journal", "200", "--socket",
                socket.toString()}, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
            return rc == 0 ? JSON.readTree(out.toString()) : null;
        }

        void cli(String... args) {
            String[] full = Arrays.copyOf(args, args.length + 2);
            full[args.length] = "--socket";
            full[args.length + 1] = socket.toString();
            GuestnodeCli.run(full, new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true));
        }
    }

    /** The events each system records, by scenario step. */
    record Marks(Pattern online, Pattern dummy, Pattern lost, Pattern vmDown) {
    }

    static final Marks PCMK = new Marks(
            Pattern.compile("Result of start operation for guest1 on host1: ok"),
            Pattern.compile("Result of start operation for dummy1 on guest1: ok"),
            Pattern.compile("Result of monitor operation for guest1 on host1"),
            Pattern.compile("Result of stop operation for vm-guest1 on host1: ok"));
    static final Marks GN = new Marks(
            Pattern.compile("\\] connect guest1: done"),
            Pattern.compile("\\] start dummy1 on guest1: done"),
            Pattern.compile("\\[guest1\\] connection lost|vm-guest1 stopped by itself"),
            Pattern.compile("\\] fence guest1 by stopping vm-guest1: done|vm-guest1 stopped by itself"));

    // ------------------------------------------------------------------ the run

    void run(int runs) throws Exception {
        Pacemaker pcmk = new Pacemaker();
        Guestnode gn = new Guestnode();
        for (int i = 0; i < runs; i++) {
            List<System> order = i % 2 == 0 ? List.of(pcmk, gn) : List.of(gn, pcmk);
            for (System s : order) {
                iteration(s, s == pcmk ? PCMK : GN);
            }
            floor();
            java.lang.System.out.printf(Locale.ROOT, "run %d/%d done%n", i + 1, runs);
        }
        report(runs);
    }

    static final long STEP_TIMEOUT_S = 30;

    void iteration(System s, Marks m) throws Exception {
        ensureStopped();
        s.begin();
        try {
            Instant t0 = Instant.now();
            s.enable();
            if (!record(s, "start: guest online", t0, s.await(m.online(), t0))
                    || !record(s, "start: Dummy started", t0, s.await(m.dummy(), t0))) {
                return;
            }
            Thread.sleep(1500);

            Instant t1 = Instant.now();
            sh("kill", "-9", Long.toString(remotedPid()));
            record(s, "kill -9 remoted: detected", t1, s.await(m.lost(), t1));
            record(s, "kill -9 remoted: VM stopped", t1, s.await(m.vmDown(), t1));
            record(s, "kill -9 remoted: guest online again", t1, s.await(m.online(), t1));
            if (!record(s, "kill -9 remoted: Dummy running again", t1, s.await(m.dummy(), t1))) {
                return;
            }
            Thread.sleep(1500);

            Instant t2 = Instant.now();
            sh("virsh", "-q", "-c", "lxc:///", "destroy", domain);
            // a guest that does not come back has no Dummy to wait for
            Instant back = s.await(m.online(), t2);
            record(s, "domain destroyed: guest online again", t2, back);
            record(s, "domain destroyed: Dummy running again", t2, back == null ? null : s.await(m.dummy(), t2));
        } finally {
            s.disable();
            Thread.sleep(200);
            waitStopped(20);
            s.end();
        }
    }

    /**
     * The physical floor: raw {@code virsh create}, then the first TLS handshake with the guest's remoted (tried
     * every millisecond) and a Dummy start through it; {@code virsh destroy} for fencing. Recovery floors are the
     * sums: destroy, then start.
     */
    void floor() throws Exception {
        ensureStopped();
        sh("virsh", "-q", "-c", "lxc:///", "undefine", domain);
        AuthKey key = AuthKey.load(keyFile);
        try (RemoteExecutorClient client = new RemoteExecutorClient()) {
            long t0 = java.lang.System.nanoTime();
            sh("virsh", "-q", "-c", "lxc:///", "create", config.toString());
            long created = java.lang.System.nanoTime();
            Endpoint endpoint = new Endpoint(addr, 3121);
            io.guestnode.agents.remote.RemoteExecutor session = firstHandshake(client, key, endpoint, 1, 30);
            long online = java.lang.System.nanoTime();
            startDummy(session, "dummy1");
            long dummyDone = java.lang.System.nanoTime();
            double dh1 = bootDh();
            session.close();
            // a recovery: destroy, then create, handshake and Dummy again
            long d0 = java.lang.System.nanoTime();
            sh("virsh", "-q", "-c", "lxc:///", "destroy", domain);
            long destroyed = java.lang.System.nanoTime();
            sh("virsh", "-q", "-c", "lxc:///", "create", config.toString());
            session = firstHandshake(client, key, endpoint, 1, 30);
            long online2 = java.lang.System.nanoTime();
            startDummy(session, "dummy1");
            long dummy2 = java.lang.System.nanoTime();
            double dh2 = bootDh();
            session.close();
            sh("virsh", "-q", "-c", "lxc:///", "destroy", domain);
            floorSample("start: virsh create", (created - t0) / 1e9, Double.NaN);
            floorSample("start: guest online", (online - t0) / 1e9, dh1);
            floorSample("start: Dummy started", (dummyDone - t0) / 1e9, dh1);
            floorSample("kill -9 remoted: VM stopped", (destroyed - d0) / 1e9, Double.NaN);
            floorSample("kill -9 remoted: guest online again", (online2 - d0) / 1e9, dh2);
            floorSample("kill -9 remoted: Dummy running again", (dummy2 - d0) / 1e9, dh2);
            // timed like the scenario, from the start of virsh destroy: a manager can act only once it is done
            floorSample("domain destroyed: guest online again", (online2 - d0) / 1e9, dh2);
            floorSample("domain destroyed: Dummy running again", (dummy2 - d0) / 1e9, dh2);
        }
    }

    /** Tries the handshake every {@code pollMs} until the guest's remoted answers (the floor's sign-on). */
    static io.guestnode.agents.remote.RemoteExecutor firstHandshake(RemoteExecutorClient client, AuthKey key,
            Endpoint endpoint, long pollMs, long timeoutS) throws InterruptedException {
        long deadline = java.lang.System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS);
        while (java.lang.System.nanoTime() < deadline) {
            try {
                return client.connect(endpoint, key, ConnectOptions.defaults()
                        .withConnectTimeout(Duration.ofMillis(200)), SessionListener.NONE);
            } catch (ConnectFailure f) {
                Thread.sleep(pollMs);
            }
        }
        throw new IllegalStateException("floor: no handshake with " + endpoint + " within " + timeoutS + " s");
    }

    /** The floor's Dummy start: register and start, without a probe. */
    static void startDummy(io.guestnode.agents.remote.RemoteExecutor session, String id) {
        session.registerResource(new io.guestnode.agents.remote.message.ResourceSpec(id, "ocf", "pacemaker", "Dummy"))
                .join();
        session.execAndWait(io.guestnode.agents.remote.message.ExecRequest.of(id, "start", 0, 20_000,
                new java.util.LinkedHashMap<>())).join();
    }

    void floorSample(String metric, double seconds, double dh) {
        samples.computeIfAbsent("floor|" + metric, k -> new ArrayList<>()).add(seconds);
        samples.computeIfAbsent("dh|floor|" + metric, k -> new ArrayList<>()).add(dh);
    }

    /**
     * How long the running guest's pacemaker-remoted spent generating its Diffie-Hellman parameters at start-up
     * (from its own log, on the guest's tmpfs, one boot per log): a random search for a 2048-bit prime, 0.05 to
     * 0.5 s, the largest source of noise in every "online" figure. NaN when the guest or its log is not there.
     */
    double bootDh() {
        try {
            Instant gen = null;
            Instant ready = null;
            for (String line : Files.readAllLines(Path.of("/proc", guestInitPid(),
                    "root/var/log/pacemaker/pacemaker.log"))) {
                if (line.contains("Generating Diffie-Hellman parameters")) {
                    gen = pacemakerLogTime(line);
                } else if (line.contains("successfully started and accepting connections")) {
                    ready = pacemakerLogTime(line);
                }
            }
            return gen == null || ready == null ? Double.NaN : Duration.between(gen, ready).toNanos() / 1e9;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    /** Records a step; a step that did not happen within the timeout counts as missing (NaN). */
    boolean record(System s, String metric, Instant from, Instant to) {
        samples.computeIfAbsent(s.name() + "|" + metric, k -> new ArrayList<>())
                .add(to == null ? Double.NaN : Duration.between(from, to).toNanos() / 1e9);
        // only steps that end in a fresh boot have a DH time; the others are not taken apart
        boolean boot = metric.endsWith("online") || metric.endsWith("online again") || metric.contains("Dummy");
        samples.computeIfAbsent("dh|" + s.name() + "|" + metric, k -> new ArrayList<>())
                .add(to == null || !boot ? Double.NaN : bootDh());
        if (to == null) {
            java.lang.System.out.printf(Locale.ROOT, "  %s: '%s' did not happen within %d s%n", s.name(), metric,
                    STEP_TIMEOUT_S);
        }
        return to != null;
    }

    // ------------------------------------------------------------------ helpers

    void ensureStopped() throws Exception {
        sh("virsh", "-q", "-c", "lxc:///", "destroy", domain);
        waitStopped(60);
    }

    /** Waits for the domain to stop; destroys it when the manager did not stop it in time. */
    void waitStopped(int seconds) throws Exception {
        long deadline = java.lang.System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (java.lang.System.nanoTime() < deadline) {
            String st = capture("virsh", "-q", "-c", "lxc:///", "domstate", domain);
            if (!st.contains("running")) {
                return;
            }
            Thread.sleep(50);
        }
        sh("virsh", "-q", "-c", "lxc:///", "destroy", domain);
    }

    /** The running guest's PID 1, as the host sees it: the child of libvirt's container process. */
    String guestInitPid() throws Exception {
        String lxc = Files.readString(Path.of("/run/libvirt/lxc", domain + ".pid")).trim();
        return capture("pgrep", "-P", lxc).lines().findFirst().orElseThrow().trim();
    }

    long remotedPid() throws Exception {
        return Long.parseLong(capture("pgrep", "-P", guestInitPid(), "-f", "pacemaker-remoted").lines().findFirst()
                .orElseThrow().trim());
    }

    static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("MMM dd HH:mm:ss.SSS yyyy", Locale.ENGLISH);

    /**
     * Follows a log (its last 4 MB) for the first line matching {@code p} stamped at or after {@code after};
     * {@code stamp} reads a line's time stamp, or null for a line without one.
     */
    static Instant awaitLog(Path log, Pattern p, Instant after, Function<String, Instant> stamp) throws Exception {
        long deadline = java.lang.System.nanoTime() + TimeUnit.SECONDS.toNanos(STEP_TIMEOUT_S);
        Instant afterMs = after.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        while (java.lang.System.nanoTime() < deadline) {
            try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
                long start = Math.max(0, f.length() - 4_000_000);
                f.seek(start);
                byte[] buf = new byte[(int) (f.length() - start)];
                f.readFully(buf);
                for (String line : new String(buf, StandardCharsets.UTF_8).split("\n")) {
                    if (!p.matcher(line).find()) {
                        continue;
                    }
                    Instant at = stamp.apply(line);
                    if (at != null && !at.isBefore(afterMs)) {
                        return at;
                    }
                }
            }
            Thread.sleep(20);
        }
        return null;
    }

    /** The stamp of a Pacemaker log line ({@code Nov 22 06:01:44.785}), this year, local time; null if none. */
    static Instant pacemakerLogTime(String line) {
        try {
            return LocalDateTime.parse(line.substring(0, 19) + " " + Year.now().getValue(), LOG_TIME)
                    .atZone(ZoneId.systemDefault()).toInstant();
        } catch (RuntimeException notAStamp) {
            return null;
        }
    }

    /** The stamp of a guestnode log line ({@code 06:01:44.785}), today, local time; null if none. */
    static Instant guestnodeLogTime(String line) {
        try {
            return java.time.LocalTime.parse(line.substring(0, 12)).atDate(java.time.LocalDate.now())
                    .atZone(ZoneId.systemDefault()).toInstant();
        } catch (RuntimeException notAStamp) {
            return null;
        }
    }

    static void sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor(60, TimeUnit.SECONDS);
    }

    static String capture(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    // ------------------------------------------------------------------ report

    /** Pairwise a - b, leaving out pairs with a missing value. */
    static List<Double> minus(List<Double> a, List<Double> b) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; a != null && b != null && i < Math.min(a.size(), b.size()); i++) {
            if (!Double.isNaN(a.get(i)) && !Double.isNaN(b.get(i))) {
                out.add(a.get(i) - b.get(i));
            }
        }
        return out;
    }

    static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (a.length == 0) {
            return Double.NaN;
        }
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    static String cell(List<Double> v) {
        if (v == null || v.isEmpty()) {
            return "n/a";
        }
        long missing = v.stream().filter(x -> Double.isNaN(x)).count();
        if (missing == v.size()) {
            return "did not happen (" + missing + " of " + v.size() + ")";
        }
        double min = v.stream().mapToDouble(Double::doubleValue).filter(x -> !Double.isNaN(x)).min().orElse(0);
        double max = v.stream().mapToDouble(Double::doubleValue).filter(x -> !Double.isNaN(x)).max().orElse(0);
        return String.format(Locale.ROOT, "%.3f (%.3f-%.3f)", median(v), min, max)
                + (missing > 0 ? "; " + missing + " of " + v.size() + " did not happen" : "");
    }

    void report(int runs) throws IOException {
        List<String> metrics = new ArrayList<>();
        for (String k : samples.keySet()) {
            String m = k.substring(k.indexOf('|') + 1);
            if (!metrics.contains(m) && !k.startsWith("floor|") && !k.startsWith("dh|")) {
                metrics.add(m);
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("| scenario (seconds from the action) | guestnode median (min-max) | Pacemaker median (min-max) | "
                + "floor median | Pacemaker / guestnode (pairwise median) | guestnode - floor | "
                + "guestnode - floor, remoted's DH generation taken out |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        ObjectNode json = JSON.createObjectNode();
        json.put("runs", runs);
        ArrayNode rows = json.putArray("scenarios");
        for (String m : metrics) {
            List<Double> g = samples.get("guestnode|" + m);
            List<Double> p = samples.get("pacemaker|" + m);
            List<Double> f = samples.get("floor|" + m);
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; g != null && p != null && i < Math.min(g.size(), p.size()); i++) {
                if (g.get(i) > 0 && !Double.isNaN(p.get(i)) && !Double.isNaN(g.get(i))) {
                    ratios.add(p.get(i) / g.get(i));
                }
            }
            String ratio = ratios.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.1fx", median(ratios));
            String overFloor = f == null || g == null ? "n/a"
                    : String.format(Locale.ROOT, "%+.3f", median(g) - median(f));
            List<Double> gx = minus(g, samples.get("dh|guestnode|" + m));
            List<Double> fx = minus(f, samples.get("dh|floor|" + m));
            String overFloorX = gx.isEmpty() || fx.isEmpty() ? "n/a"
                    : String.format(Locale.ROOT, "%+.3f", median(gx) - median(fx));
            md.append("| ").append(m).append(" | ").append(cell(g)).append(" | ").append(cell(p)).append(" | ")
                    .append(f == null ? "n/a" : String.format(Locale.ROOT, "%.3f", median(f))).append(" | ")
                    .append(ratio).append(" | ").append(overFloor).append(" | ").append(overFloorX).append(" |\n");
            ObjectNode row = rows.addObject();
            row.put("scenario", m);
            row.set("guestnode", JSON.valueToTree(g));
            row.set("pacemaker", JSON.valueToTree(p));
            row.set("floor", JSON.valueToTree(f));
            row.put("ratio_pacemaker_over_guestnode", ratios.isEmpty() ? null : median(ratios));
            row.set("remoted_dh_guestnode", JSON.valueToTree(samples.get("dh|guestnode|" + m)));
            row.set("remoted_dh_pacemaker", JSON.valueToTree(samples.get("dh|pacemaker|" + m)));
            row.set("remoted_dh_floor", JSON.valueToTree(samples.get("dh|floor|" + m)));
        }
        md.append("\nA step that did not happen within ").append(STEP_TIMEOUT_S)
                .append(" s counts as missing and is left out of medians and ratios.\n");
        List<Double> allDh = new ArrayList<>();
        samples.forEach((k, v) -> {
            if (k.startsWith("dh|") && k.endsWith("guest online") || k.startsWith("dh|") && k.endsWith("online again")) {
                v.stream().filter(x -> !Double.isNaN(x)).forEach(allDh::add);
            }
        });
        md.append("Each boot of the guest spends a random time generating remoted's Diffie-Hellman parameters "
                + "before it listens (its own log): ").append(cell(allDh)).append(" s over ").append(allDh.size())
                .append(" boots. The last column takes each boot's own DH time out of both guestnode's figure and "
                        + "the floor's, leaving what each adds around the guest's boot.\n");
        md.append("Floor, start: raw `virsh create` ").append(cell(samples.get("floor|start: virsh create")))
                .append(" s; the floor of \"guest online\" adds the first TLS handshake with the guest's remoted.\n");
        Files.writeString(work.resolve("results.md"), md.toString());
        Files.writeString(work.resolve("results.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        java.lang.System.out.println();
        java.lang.System.out.print(md);
    }
}
