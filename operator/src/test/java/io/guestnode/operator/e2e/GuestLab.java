package io.guestnode.operator.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guestnode.agents.testing.RemotedSandbox;
import io.guestnode.agents.testing.Shell;
import io.guestnode.operator.cli.GuestnodeCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Real LXC guests from the built image on the isolated network, definitions in CIB form, and the guestnode
 * daemon as its own process (so that it can be SIGKILLed and restarted).
 */
final class GuestLab implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path dir;
    final String prefix;
    final int subnet;
    final byte[] key = RemotedSandbox.newKey();
    final Path keyFile;
    final Path defs;
    final Path socket;
    final Path stateDir;
    /** Where the daemon serves its metrics (a port free when the lab was made). */
    final int metricsPort;
    final List<String> domains = new ArrayList<>();
    Process daemon;

    GuestLab(Path dir) throws IOException {
        this.dir = dir;
        this.prefix = "gn-e2e" + ThreadLocalRandom.current().nextInt(100, 999) + "-";
        this.subnet = ThreadLocalRandom.current().nextInt(100, 200);
        this.keyFile = Files.write(dir.resolve("authkey"), key);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        this.defs = Files.createDirectories(dir.resolve("guests.d"));
        this.socket = dir.resolve("guestnode.sock");
        this.stateDir = dir.resolve("state");
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            this.metricsPort = free.getLocalPort();
        }
    }

    String addr(int n) {
        return "10.250." + subnet + "." + (10 + n);
    }

    String domain(String guest) {
        return prefix + guest;
    }

    /** Renders an LXC guest's domain with its own key directory; returns the config path. */
    Path guest(String name, int n, byte[] guestKey) throws IOException {
        return guest(name, n, guestKey, dir.resolve("keys"), root());
    }

    /** As {@link #guest(String, int, byte[])}, with the guest's key directory in {@code keysDir}. */
    Path guest(String name, int n, byte[] guestKey, Path keysDir) throws IOException {
        return guest(name, n, guestKey, keysDir, root());
    }

    /** The same on another image root, e.g. {@link #root(String) root("trixie")}. */
    Path guestOnImage(String name, int n, byte[] guestKey, Path imageRoot) throws IOException {
        return guest(name, n, guestKey, dir.resolve("keys"), imageRoot);
    }

    private Path guest(String name, int n, byte[] guestKey, Path keysDir, Path imageRoot) throws IOException {
        Path keyDir = Files.createDirectories(keysDir.resolve(name));
        Files.setPosixFilePermissions(keyDir, PosixFilePermissions.fromString("rwx------"));
        Files.write(keyDir.resolve("authkey"), guestKey);
        StringWriter xml = new StringWriter();
        int rc = GuestnodeCli.run(new String[] {"template", "lxc", "--name", domain(name), "--addr", addr(n),
            "--root", imageRoot.toString(), "--key-dir", keyDir.toString()}, new PrintWriter(xml, true),
                new PrintWriter(new StringWriter(), true));
        if (rc != 0) {
            throw new IllegalStateException("template failed");
        }
        Path config = Files.writeString(dir.resolve(name + ".xml"), xml.toString());
        domains.add(domain(name));
        return config;
    }

    static Path root() {
        return io.guestnode.operator.guests.GuestImages.lxcRoot();
    }

    /** The image root of a Debian suite built by {@code vm-images/build --suite SUITE}. */
    static Path root(String suite) {
        return io.guestnode.agents.testing.GuestImageRoot.of(suite).path();
    }

    static String vm(String guest, Path config, int n, String addr, String extraMeta) {
        return StatusJson.vm(guest, config, addr, extraMeta);
    }

    static String dummy(String id, String extraMeta) {
        return """
                <primitive id="%1$s" class="ocf" provider="pacemaker" type="Dummy">
                  <instance_attributes id="%1$s-ia"><nvpair id="%1$s-state" name="state" value="/run/%1$s.state"/></instance_attributes>
                  <meta_attributes id="%1$s-meta">%2$s</meta_attributes>
                  <operations><op id="%1$s-mon" name="monitor" interval="2s" timeout="20s"/></operations>
                </primitive>
                """.formatted(id, extraMeta);
    }

    void writeDefinitions(String resources, String constraints) throws IOException {
        Files.writeString(defs.resolve("guests.xml"), "<configuration><resources>" + resources + "</resources>"
                + "<constraints>" + constraints + "</constraints></configuration>");
    }

    void startDaemon() throws IOException {
        Path jar = Path.of(System.getProperty("guestnode.root", "."), "operator", "target", "guestnode-operator.jar");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        daemon = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString(), "run",
                "--definitions", defs.toString(), "--state-dir", stateDir.toString(), "--socket", socket.toString(),
                "--key", keyFile.toString(), "--node-name", "host1", "--metrics-address", "127.0.0.1:" + metricsPort)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("daemon.log")
                        .toFile())).start();
    }

    void killDaemon() throws InterruptedException {
        daemon.destroyForcibly();
        daemon.waitFor(10, TimeUnit.SECONDS);
    }

    /** Runs a CLI verb against the lab's daemon; returns {exit code, stdout, stderr}. */
    String[] cli(String... args) {
        List<String> full = new ArrayList<>(List.of(args));
        full.add("--socket");
        full.add(socket.toString());
        return cliNoSocket(full.toArray(String[]::new));
    }

    /** Runs a CLI verb that does not talk to the daemon; returns {exit code, stdout, stderr}. */
    String[] cliNoSocket(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = GuestnodeCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(rc), out.toString(), err.toString()};
    }

    JsonNode status() throws IOException {
        String[] r = cli("status", "--output-as", "json", "--journal", "500");
        if (!r[0].equals("0")) {
            return null;
        }
        return JSON.readTree(r[1]);
    }

    /** Polls status until {@code p} holds; returns the status that satisfied it. */
    JsonNode await(String what, long timeoutMs, Predicate<JsonNode> p) throws Exception {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = status();
            if (last != null && p.test(last)) {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not within " + timeoutMs + " ms: " + what + "\nlast status: " + last
                + "\ndaemon log tail: " + tail());
    }

    String tail() throws IOException {
        Path log = dir.resolve("daemon.log");
        if (!Files.exists(log)) {
            return "";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    static boolean online(JsonNode s, String guest) {
        return StatusJson.online(s, guest);
    }

    static String role(JsonNode s, String resource) {
        return StatusJson.role(s, resource);
    }

    static JsonNode failure(JsonNode s, String resource, String node) {
        return StatusJson.failure(s, resource, node);
    }

    static List<String> journalSince(JsonNode s, java.time.Instant since) {
        return StatusJson.journalSince(s, since);
    }

    static List<String> journal(JsonNode s) {
        return journalSince(s, java.time.Instant.EPOCH);
    }

    /** PID of a guest's pacemaker-remoted, found from libvirt's pid file for the container. */
    long remotedPid(String guest) throws IOException {
        String lxc = Files.readString(Path.of("/run/libvirt/lxc", domain(guest) + ".pid")).trim();
        String init = Shell.check("pgrep", "-P", lxc).lines().findFirst().orElseThrow().trim();
        return Long.parseLong(Shell.check("pgrep", "-P", init, "-f", "pacemaker-remoted").lines().findFirst()
                .orElseThrow().trim());
    }

    long initPid(String guest) throws IOException {
        String lxc = Files.readString(Path.of("/run/libvirt/lxc", domain(guest) + ".pid")).trim();
        return Long.parseLong(Shell.check("pgrep", "-P", lxc).lines().findFirst().orElseThrow().trim());
    }

    /** Runs a command in a guest's mount namespace. */
    void inGuest(String guest, String... command) throws IOException {
        List<String> c = new ArrayList<>(List.of("nsenter", "-t", Long.toString(initPid(guest)), "-m", "--"));
        c.addAll(List.of(command));
        Shell.check(c.toArray(String[]::new));
    }

    String domId(String guest) {
        return Shell.run(List.of("virsh", "-c", "lxc:///", "domid", domain(guest))).output().trim();
    }

    @Override
    public void close() throws Exception {
        if (daemon != null && daemon.isAlive()) {
            daemon.destroy();
            daemon.waitFor(10, TimeUnit.SECONDS);
            daemon.destroyForcibly();
        }
        for (String d : domains) {
            Shell.run(List.of("virsh", "-c", "lxc:///", "destroy", d));
            Shell.run(List.of("virsh", "-c", "lxc:///", "undefine", d));
        }
    }
}
