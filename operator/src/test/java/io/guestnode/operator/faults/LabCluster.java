package io.guestnode.operator.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guestnode.agents.testing.Shell;
import io.guestnode.operator.cli.GuestnodeCli;
import io.guestnode.operator.e2e.StatusJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * guestnode on every host of a lab that {@code bin/lab up} made: LXC guest nodes with a Dummy each (its state file
 * is the guest's marker), one definitions file and one key shared by the hosts, each host's daemon in all of its
 * namespaces with its state, socket and log in {@code shared/HOST}. {@code bin/lab up --guests M} runs {@link #main}.
 *
 * @param shared  the directory of definitions, keys and each host's daemon files
 * @param hosts   the lab's hosts, h1 .. hN
 * @param guests  the guest nodes' names; the i-th (from 1) has the address 10.251.1.i
 * @param prefix  the domains' names are the guests' names with this prefix
 * @param cluster the cluster's name in ZooKeeper
 * @param meta    extra meta-attributes (nvpair elements) of every VM resource
 * @param timing  the daemons' timing profile (default or fast)
 */
public record LabCluster(Path shared, List<String> hosts, List<String> guests, String prefix, String cluster,
                         String meta, String timing) {
    public static final Path ROOT = Path.of(System.getProperty("guestnode.root", "..")).toAbsolutePath().normalize();
    public static final Path LAB = Path.of("/run/guestnode-lab");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The daemons' test hook: a migration waits at a step while the file of that name exists in shared/hold. */
    static final String HOLD_PROPERTY = "guestnode.test.hold-dir";

    /** The hosts' ZooKeeper ensemble: hN's server listens on 10.77.0.N. */
    public String zookeeper() {
        return String.join(",", hosts.stream().map(h -> "10.77.0." + h.substring(1) + ":2181").toList());
    }

    /** Writes the key (shared, and each guest's own copy for its container) and the definitions. */
    public void define() throws IOException {
        Files.createDirectories(shared);
        byte[] key = new byte[4096];
        new SecureRandom().nextBytes(key);
        Path keyFile = Files.write(shared.resolve("authkey"), key);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        StringBuilder res = new StringBuilder();
        StringBuilder con = new StringBuilder();
        for (int g = 1; g <= guests.size(); g++) {
            String node = guests.get(g - 1);
            String addr = "10.251.1." + g;
            Path keys = Files.createDirectories(shared.resolve("keys/" + node));
            Files.write(keys.resolve("authkey"), key);
            Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rwx------"));
            Shell.Result t = Shell.run(List.of(ROOT.resolve("bin/guestnode").toString(), "template", "lxc", "--name",
                    prefix + node, "--addr", addr, "--images", System.getenv().getOrDefault("GUESTNODE_IMAGES",
                            ROOT.resolve(".cache/images").toString()), "--key-dir", keys.toString()));
            if (t.exitCode() != 0) {
                throw new IOException("template of " + node + " failed: " + t.output());
            }
            Path config = Files.writeString(shared.resolve(node + ".xml"), t.output());
            res.append(StatusJson.vm(node, config, addr, meta));
            res.append("""
                    <primitive id="dummy-%1$s" class="ocf" provider="pacemaker" type="Dummy">
                      <operations><op id="dummy-%1$s-mon" name="monitor" interval="5s"/></operations>
                    </primitive>
                    """.formatted(node));
            con.append("<rsc_location id=\"pin-" + node + "\" rsc=\"dummy-" + node + "\" node=\"" + node
                    + "\" score=\"INFINITY\"/>");
        }
        Files.writeString(shared.resolve("guests.xml"), "<configuration><resources>" + res
                + "</resources><constraints>" + con + "</constraints></configuration>");
    }

    /** Starts guestnode on {@code host}, detached, in all of its namespaces (with the lab's watchdog). */
    public void startDaemon(String host) throws IOException {
        Path dir = Files.createDirectories(shared.resolve(host));
        String cmd = String.join(" ", ROOT.resolve("bin/guestnode").toString(), "run", "--definitions",
                shared.resolve("guests.xml").toString(), "--state-dir", dir.resolve("state").toString(), "--socket",
                dir.resolve("gn.sock").toString(), "--key", shared.resolve("authkey").toString(), "--node-name", host,
                "--zookeeper", zookeeper(), "--cluster", cluster, "--timing", timing, "--migration-uri",
                "qemu+tcp://10.77.0." + host.substring(1) + "/system", "--migration-unsafe", "--watchdog-file",
                LAB.resolve("hosts").resolve(host).resolve("watchdog-deadline").toString());
        Shell.Result r = Shell.run(List.of(ROOT.resolve("bin/lab").toString(), "exec", host, "bash", "-c",
                "JAVA_HOME=" + System.getProperty("java.home") + " GUESTNODE_JAVA_OPTS=-D" + HOLD_PROPERTY + "="
                        + shared.resolve("hold") + " nohup " + cmd + " >>" + dir.resolve("daemon.log")
                        + " 2>&1 </dev/null &"));
        if (r.exitCode() != 0) {
            throw new IOException("guestnode did not start on " + host + ": " + r.output());
        }
    }

    /**
     * Adds a QEMU (TCG) guest node to the definitions {@link #define} wrote: a qcow2 overlay of the image's root disk
     * and the shared key, at the same path on every host, a VM resource on {@code qemu:///system} (allow-migrate as
     * given; an emulated boot on a busy host may take a minute, so its connection may take 180 s) and a Dummy pinned to
     * it with a monitor every 2 s. Its domain is {@code prefix + guest}.
     */
    public void defineQemu(String guest, String addr, boolean allowMigrate) throws IOException {
        Path images = Path.of(System.getenv().getOrDefault("GUESTNODE_IMAGES", ROOT.resolve(".cache/images")
                .toString()));
        Path disk = shared.resolve(guest + ".qcow2");
        Shell.Result img = Shell.run(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-b",
                images.resolve("qemu/root.qcow2").toString(), "-F", "qcow2", disk.toString()));
        if (img.exitCode() != 0) {
            throw new IOException("qemu-img: " + img.output());
        }
        Shell.Result t = Shell.run(List.of(ROOT.resolve("bin/guestnode").toString(), "template", "qemu", "--name",
                prefix + guest, "--addr", addr, "--images", images.toString(), "--disk", disk.toString(), "--key",
                shared.resolve("authkey").toString(), "--memory", "128"));
        if (t.exitCode() != 0) {
            throw new IOException("template of " + guest + " failed: " + t.output());
        }
        Path config = Files.writeString(shared.resolve(guest + ".xml"), t.output());
        String vm = """
                <primitive id="vm-%1$s" class="ocf" provider="heartbeat" type="VirtualDomain">
                  <instance_attributes id="vm-%1$s-ia">
                    <nvpair id="vm-%1$s-config" name="config" value="%2$s"/>
                    <nvpair id="vm-%1$s-hv" name="hypervisor" value="qemu:///system"/>
                    <nvpair id="vm-%1$s-fs" name="force_stop" value="true"/>
                  </instance_attributes>
                  <meta_attributes id="vm-%1$s-meta">
                    <nvpair id="vm-%1$s-rn" name="remote-node" value="%1$s"/>
                    <nvpair id="vm-%1$s-ra" name="remote-addr" value="%3$s"/>
                    <nvpair id="vm-%1$s-am" name="allow-migrate" value="%5$s"/>
                    <nvpair id="vm-%1$s-ct" name="remote-connect-timeout" value="180s"/>
                    %4$s
                  </meta_attributes>
                </primitive>
                <primitive id="dummy-%1$s" class="ocf" provider="pacemaker" type="Dummy">
                  <operations><op id="dummy-%1$s-mon" name="monitor" interval="2s"/></operations>
                </primitive>
                """.formatted(guest, config, addr, meta, allowMigrate);
        Path defs = shared.resolve("guests.xml");
        Files.writeString(defs, Files.readString(defs).replace("</resources>", vm + "</resources>")
                .replace("</constraints>", "<rsc_location id=\"pin-" + guest + "\" rsc=\"dummy-" + guest
                        + "\" node=\"" + guest + "\" score=\"INFINITY\"/></constraints>"));
    }

    /** Runs the CLI against {@code host}'s daemon: its exit code and what it printed. */
    public Shell.Result cli(String host, String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--socket", shared.resolve(host).resolve("gn.sock").toString()));
        StringWriter out = new StringWriter();
        int rc = GuestnodeCli.run(a.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(out, true));
        return new Shell.Result(rc, out.toString());
    }

    /** The guest's record in the cluster's ZooKeeper. */
    public io.guestnode.agents.coordination.GuestRecord record(String guest) throws Exception {
        try (var zk = new io.guestnode.agents.coordination.ZkCoordination(zookeeper(), "/guestnode/" + cluster,
                "reader", io.guestnode.agents.coordination.Timing.DEFAULT)) {
            return zk.guest(guest).orElseThrow().value();
        }
    }

    /** The one host where the guest runs with its Dummy. */
    public String where(String guest) {
        List<String> on = runningOn(statuses(), guest);
        if (on.size() != 1) {
            throw new IllegalStateException(guest + " runs on " + on + ", not on exactly one host");
        }
        return on.get(0);
    }

    /**
     * The hosts' daemon logs and their QEMU guests' consoles (what a guest printed: a panic, a reboot), kept in
     * target/{@code name}-logs (the lab's directory goes with the lab).
     */
    public void keepLogs(String name) {
        Path out = Path.of("target", name + "-logs");
        for (String h : hosts) {
            try {
                Files.createDirectories(out);
                Path daemon = shared.resolve(h).resolve("daemon.log");
                if (Files.exists(daemon)) {
                    Files.copy(daemon, out.resolve(h + "-daemon.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                Shell.Result consoles = Shell.run(List.of(ROOT.resolve("bin/lab").toString(), "exec", h, "sh", "-c",
                        "for f in /var/log/libvirt/qemu/*-console.log; do [ -s \"$f\" ] && echo \"== $f\" && cat \"$f\"; done;"
                                + " true"));
                if (consoles.exitCode() == 0 && !consoles.output().isBlank()) {
                    Files.writeString(out.resolve(h + "-qemu-consoles.log"), consoles.output());
                }
            } catch (IOException e) {
                System.out.println("logs of " + h + " not kept: " + e.getMessage());
            }
        }
    }

    /** Each live host's status, by host. */
    public Map<String, JsonNode> statuses() {
        Map<String, JsonNode> out = new TreeMap<>();
        for (String h : hosts) {
            Path sock = shared.resolve(h).resolve("gn.sock");
            if (!Files.exists(sock)) {
                continue;
            }
            StringWriter text = new StringWriter();
            int rc = GuestnodeCli.run(new String[] {"status", "--socket", sock.toString(), "--output-as", "json"},
                    new PrintWriter(text, true), new PrintWriter(new StringWriter(), true));
            if (rc == 0) {
                try {
                    out.put(h, JSON.readTree(text.toString()));
                } catch (IOException e) {
                    // half a status: asked again
                }
            }
        }
        return out;
    }

    /** The hosts where the guest is online with its Dummy started. */
    public static List<String> runningOn(Map<String, JsonNode> s, String guest) {
        List<String> out = new ArrayList<>();
        s.forEach((h, st) -> {
            if (StatusJson.online(st, guest) && StatusJson.role(st, "dummy-" + guest).equals("Started " + guest)) {
                out.add(h);
            }
        });
        return out;
    }

    /** Every guest online with its Dummy on exactly one host. */
    public Predicate<Map<String, JsonNode>> everyGuestUp() {
        return s -> guests.stream().allMatch(g -> runningOn(s, g).size() == 1);
    }

    /** Polls the hosts' statuses until {@code p} holds; fails naming where each guest is when it has not within. */
    public Map<String, JsonNode> await(Predicate<Map<String, JsonNode>> p, java.time.Duration within)
            throws InterruptedException {
        long until = System.nanoTime() + within.toNanos();
        Map<String, JsonNode> s = statuses();
        while (!p.test(s)) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("not within " + within.toSeconds() + " s: " + summary(s)
                        + " (daemon logs: " + shared + "/HOST/daemon.log)");
            }
            Thread.sleep(200);
            s = statuses();
        }
        return s;
    }

    /** Per host: the guests it shows online and where each Dummy runs. */
    public String summary(Map<String, JsonNode> s) {
        StringBuilder b = new StringBuilder();
        s.forEach((h, st) -> {
            b.append(h).append(": ");
            for (String g : guests) {
                b.append(g).append(StatusJson.online(st, g) ? " online" : " -").append('/')
                        .append(StatusJson.role(st, "dummy-" + g)).append("; ");
            }
        });
        return b.toString();
    }

    /**
     * {@code bin/lab up --guests M}: {@code LabCluster M HOST...} defines guest1 .. guestM on the lab's hosts, starts
     * guestnode on each and returns once every guest is online with its Dummy (exit 0), or says what is not (exit 1).
     */
    public static void main(String[] args) throws Exception {
        int m = Integer.parseInt(args[0]);
        List<String> hosts = List.of(args).subList(1, args.length);
        LabCluster c = new LabCluster(LAB.resolve("shared/lab"), hosts,
                IntStream.rangeClosed(1, m).mapToObj(i -> "guest" + i).toList(), "gnlab-", "lab", "", "default");
        c.define();
        for (String h : hosts) {
            c.startDaemon(h);
        }
        Map<String, JsonNode> s;
        try {
            s = c.await(c.everyGuestUp(), java.time.Duration.ofSeconds(90 + 10L * m));
        } catch (IllegalStateException e) {
            System.err.println("bin/lab up: not every guest came online with its Dummy: " + e.getMessage());
            System.exit(1);
            return;
        }
        for (String g : c.guests) {
            System.out.println(g + " online on " + runningOn(s, g).get(0) + " (domain " + c.prefix + g + ")");
        }
        System.exit(0);
    }
}
