package io.guestnode.operator.faults;

import io.guestnode.agents.testing.RemotedSandbox;
import io.guestnode.agents.testing.Shell;
import io.guestnode.operator.cli.GuestnodeCli;
import io.guestnode.operator.guests.GuestImages;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The fault matrix's lab: real LXC guests from the built image on the isolated network, each with the marker
 * agent ({@code ocf:guestnode:Marker}) mounted read-only and its own writable marker directory, definitions in CIB
 * form, and the guestnode daemon as its own process. Everything it creates is removed by {@link #close()}.
 */
final class FaultLab implements AutoCloseable {
    /** The connection is poked every second and fails after 2 s unanswered, as in the e2e tests. */
    static final String FAST_MONITOR = io.guestnode.operator.e2e.StatusJson.FAST_MONITOR;

    /** One guest node's rendered domain. */
    record Guest(String node, int n, String domain, Path config, String addr) {
        String vm() {
            return "vm-" + node;
        }

        String service() {
            return "svc-" + node;
        }
    }

    final Path dir;
    final String prefix;
    final int subnet;
    final byte[] key = RemotedSandbox.newKey();
    final Path keyFile;
    final Path defs;
    final Path socket;
    final Path stateDir;
    final Path markers;
    final Path ocf;
    final Path log;
    final List<String> extraDaemonArgs = new ArrayList<>();
    private final Map<String, String> guestOfDomain = new java.util.concurrent.ConcurrentHashMap<>();
    private Process daemon;

    FaultLab(Path dir) throws IOException {
        this.dir = dir;
        this.prefix = "gn-flt" + ThreadLocalRandom.current().nextInt(100, 999) + "-";
        this.subnet = ThreadLocalRandom.current().nextInt(200, 250);
        this.keyFile = Files.write(dir.resolve("authkey"), key);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        this.defs = Files.createDirectories(dir.resolve("guests.d"));
        this.socket = dir.resolve("guestnode.sock");
        this.stateDir = dir.resolve("state");
        this.markers = Files.createDirectories(dir.resolve("markers"));
        this.ocf = Files.createDirectories(dir.resolve("ocf"));
        this.log = dir.resolve("daemon.log");
        installMarkerAgent();
    }

    private void installMarkerAgent() throws IOException {
        Path agent = Files.createDirectories(ocf.resolve("guestnode")).resolve("Marker");
        try (InputStream in = FaultLab.class.getResourceAsStream("Marker")) {
            if (in == null) {
                throw new IllegalStateException("the Marker agent is not on the test classpath");
            }
            Files.write(agent, in.readAllBytes());
        }
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    String addr(int n) {
        return "10.250." + subnet + "." + (10 + n);
    }

    /** Renders guest node {@code node}'s domain with the lab's key. */
    Guest guest(String node, int n) throws IOException {
        return guest(node, n, node, key);
    }

    /** Renders a domain for guest node {@code node}, with its own key directory holding {@code guestKey}. */
    Guest guest(String node, int n, String domainName, byte[] guestKey) throws IOException {
        String domain = prefix + domainName;
        Path keyDir = Files.createDirectories(dir.resolve("keys").resolve(domainName));
        Files.setPosixFilePermissions(keyDir, PosixFilePermissions.fromString("rwx------"));
        Files.write(keyDir.resolve("authkey"), guestKey);
        StringWriter xml = new StringWriter();
        int rc = GuestnodeCli.run(new String[] {"template", "lxc", "--name", domain, "--addr", addr(n),
            "--root", GuestImages.lxcRoot().toString(), "--key-dir", keyDir.toString()}, new PrintWriter(xml, true),
                new PrintWriter(new StringWriter(), true));
        if (rc != 0) {
            throw new IllegalStateException("guestnode template failed for " + domain);
        }
        Path markerDir = Files.createDirectories(markers.resolve(domain));
        String mounts = """
                <filesystem type='mount' accessmode='passthrough'>
                      <source dir='%s'/>
                      <target dir='/usr/lib/ocf/resource.d'/>
                      <readonly/>
                    </filesystem>
                    <filesystem type='mount' accessmode='passthrough'>
                      <source dir='%s'/>
                      <target dir='/mnt'/>
                    </filesystem>
                    <interface""".formatted(ocf, markerDir);
        Path config = Files.writeString(dir.resolve(domainName + ".xml"),
                xml.toString().replaceFirst("<interface", mounts));
        guestOfDomain.put(domain, node);
        Files.writeString(dir.resolve("domains"), domain + "\n", java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        return new Guest(node, n, domain, config, addr(n));
    }

    /** The guest node a domain of this lab belongs to, or null for a domain not of this lab. */
    String guestOf(String domain) {
        return guestOfDomain.get(domain);
    }

    List<String> domains() {
        return List.copyOf(guestOfDomain.keySet());
    }

    /** A live view of the lab's domains, for the observer. */
    java.util.Set<String> domainSet() {
        return guestOfDomain.keySet();
    }

    static String vm(Guest g, String extraMeta) {
        return io.guestnode.operator.e2e.StatusJson.vm(g.node(), g.config(), g.addr(), extraMeta);
    }

    /** A marker service pinned to its guest node, monitored every 2 s. */
    static String marker(String id) {
        return """
                <primitive id="%1$s" class="ocf" provider="guestnode" type="Marker">
                  <operations><op id="%1$s-mon" name="monitor" interval="2s" timeout="20s"/></operations>
                </primitive>
                """.formatted(id);
    }

    static String pin(String service, String node) {
        return "<rsc_location id=\"pin-" + service + "\" rsc=\"" + service + "\" node=\"" + node
                + "\" score=\"INFINITY\"/>";
    }

    void writeDefinitions(String resources, String constraints) throws IOException {
        Path tmp = defs.resolve(".guests.xml.new");
        Files.writeString(tmp, "<configuration><resources>" + resources + "</resources>"
                + "<constraints>" + constraints + "</constraints></configuration>");
        Files.move(tmp, defs.resolve("guests.xml"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    String definitions() throws IOException {
        return Files.readString(defs.resolve("guests.xml"));
    }

    /** Starts the daemon as users run it ({@code bin/guestnode run}: its JVM options, its own process). */
    void startDaemon() throws IOException {
        Path launcher = Path.of(System.getProperty("guestnode.root", "."), "bin", "guestnode");
        List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "run", "--definitions", defs.toString(),
                "--state-dir", stateDir.toString(), "--socket", socket.toString(), "--key", keyFile.toString(),
                "--node-name", "host1"));
        cmd.addAll(extraDaemonArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
        daemon = pb.start();
    }

    long daemonPid() {
        return daemon == null ? -1 : daemon.pid();
    }

    boolean daemonAlive() {
        return daemon != null && daemon.isAlive();
    }

    /** The daemon's exit code when it has ended, else null. */
    Integer daemonExit() {
        return daemon == null || daemon.isAlive() ? null : daemon.exitValue();
    }

    void killDaemon() throws InterruptedException {
        daemon.destroyForcibly();
        daemon.waitFor(10, TimeUnit.SECONDS);
    }

    /** Runs a CLI verb against the lab's daemon. */
    CliResult cli(String... args) {
        List<String> full = new ArrayList<>(List.of(args));
        full.add("--socket");
        full.add(socket.toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = GuestnodeCli.run(full.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliResult(rc, out.toString(), err.toString());
    }

    record CliResult(int rc, String out, String err) {
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "";
        }
    }

    /** What a JVM crash report of the daemon names as the problematic frame, or "". */
    String crashReport() {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith("hs_err_pid")).toList()) {
                List<String> what = Files.readAllLines(p).stream().filter(l -> l.startsWith("# C ")
                        || l.startsWith("# J ") || l.startsWith("#  SIG")).map(l -> l.substring(1).trim()
                        .replaceAll("\\s+", " ")).limit(2).toList();
                return ": " + String.join(", ", what) + " (" + p.getFileName() + ")";
            }
        } catch (IOException e) {
            return "";
        }
        return "";
    }

    @Override
    public void close() throws Exception {
        if (daemon != null && daemon.isAlive()) {
            daemon.destroy();
            if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
        }
        for (String d : guestOfDomain.keySet()) {
            Shell.run(List.of("virsh", "-c", "lxc:///", "destroy", d));
            Shell.run(List.of("virsh", "-c", "lxc:///", "undefine", d));
            removeLibvirtLeftovers(d);
        }
    }

    /**
     * libvirt's LXC driver leaves a stopped domain's empty mount points and its controller's socket in
     * /run/libvirt/lxc; they are removed once the domain is gone (the directories only when empty).
     */
    static void removeLibvirtLeftovers(String domain) {
        Path run = Path.of("/run/libvirt/lxc");
        if (Files.exists(run.resolve(domain + ".pid"))) {
            return;
        }
        for (String suffix : List.of(".sock", ".dev", ".devpts", ".fuse")) {
            try {
                Files.deleteIfExists(run.resolve(domain + suffix));
            } catch (IOException notEmptyOrGone) {
                // a directory still in use stays
            }
        }
    }

    /** After an interruption: stops a daemon still running on the lab's socket, removes the lab's domains and files. */
    static void removeLeftovers(Path dir) {
        String sock = dir.resolve("guestnode.sock").toString();
        ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(a -> List.of(a).contains(sock))
                .orElse(false)).forEach(ProcessHandle::destroyForcibly);
        Path run = dir.resolve("domains");
        try {
            for (String d : Files.exists(run) ? Files.readAllLines(run) : List.<String>of()) {
                Shell.run(List.of("virsh", "-c", "lxc:///", "destroy", d));
                Shell.run(List.of("virsh", "-c", "lxc:///", "undefine", d));
                removeLibvirtLeftovers(d);
            }
            delete(dir);
        } catch (IOException e) {
            System.err.println("could not remove " + dir + ": " + e.getMessage());
        }
    }

    /** Removes a lab's directory (after {@link #close()}). */
    static void delete(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
