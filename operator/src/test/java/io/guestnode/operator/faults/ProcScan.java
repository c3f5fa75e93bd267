package io.guestnode.operator.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the host's {@code /proc} shows of LXC guests, read from the root namespaces without entering or touching
 * them: each {@code libvirt_lxc --name DOMAIN} process, the guest's init (its child), the init's start time (the
 * guest incarnation), the guest's {@code pacemaker-remoted} and its state, and whether anything listens on port
 * 3121 in the guest's network namespace ({@code /proc/INIT/net/tcp}; no packet is sent).
 */
final class ProcScan {
    /** One running guest as seen in one scan. */
    record Seen(String domain, long lxcPid, long initPid, long initStart, long remotedPid, char remotedState,
            boolean listening) {
        Incarnation incarnation() {
            return new Incarnation(domain, initStart);
        }
    }

    /** A guest incarnation: its domain and the start time of its init (clock ticks since boot). */
    record Incarnation(String domain, long initStart) {
        @Override
        public String toString() {
            return domain + "#" + initStart;
        }
    }

    private static final Path PROC = Path.of("/proc");
    private static final String PORT_3121 = ":0C31";
    /** libvirt_lxc processes already identified: pid and start time to domain (null: not one of ours). */
    /** A full walk of /proc at most this often; between walks only the guests' controllers are looked at. */
    static final long WALK_EVERY_MS = 500;
    private static final Path LIBVIRT_LXC_RUN = Path.of("/run/libvirt/lxc");
    /** libvirt_lxc processes already identified: pid and start time to domain ("" for none of ours). */
    private final Map<String, String> known = new HashMap<>();
    /** A libvirt_lxc process of one of the lab's domains: its domain and its start time (pids are reused). */
    private record Controller(String domain, String start) {
    }

    /** The libvirt_lxc processes of the lab's domains, by pid. */
    private final Map<Long, Controller> controllers = new HashMap<>();
    private final Set<String> domains;
    private long lastWalk;

    ProcScan(Set<String> domains) {
        this.domains = domains;
    }

    /**
     * One scan: every guest of {@code domains} that has a live init. Every {@link #WALK_EVERY_MS} it walks all of
     * /proc for libvirt_lxc processes; in between it looks at the controllers it knows and at libvirt's pid files
     * of the lab's domains (a new guest is seen at once; a controller without a pid file within the walk period).
     */
    List<Seen> scan() {
        long now = System.nanoTime() / 1_000_000;
        if (now - lastWalk >= WALK_EVERY_MS) {
            walk();
            lastWalk = now;
        } else {
            pidFiles();
        }
        List<Seen> out = new ArrayList<>();
        for (Map.Entry<Long, Controller> c : List.copyOf(controllers.entrySet())) {
            Seen s = guestOf(PROC.resolve(Long.toString(c.getKey())));
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    private void walk() {
        try (DirectoryStream<Path> ps = Files.newDirectoryStream(PROC, p -> isPid(p.getFileName().toString()))) {
            for (Path p : ps) {
                consider(p);
            }
        } catch (IOException e) {
            // /proc itself is always there; a listing cut short shows up at the next walk
        }
    }

    private void pidFiles() {
        for (String d : domains) {
            String pid = read(LIBVIRT_LXC_RUN.resolve(d + ".pid"));
            if (pid != null && isPid(pid.trim()) && !controllers.containsKey(Long.parseLong(pid.trim()))) {
                consider(PROC.resolve(pid.trim()));
            }
        }
    }

    /** Adds {@code p} to the controllers when it is a libvirt_lxc of one of the lab's domains. */
    private void consider(Path p) {
        String comm = read(p.resolve("comm"));
        if (comm == null || !comm.trim().equals("libvirt_lxc")) {
            return;
        }
        long pid = Long.parseLong(p.getFileName().toString());
        String[] stat = stat(pid);
        if (stat == null) {
            return;
        }
        String domain = known.computeIfAbsent(pid + "/" + stat[21], k -> domainOf(p));
        if (!domain.isEmpty() && domains.contains(domain)) {
            controllers.put(pid, new Controller(domain, stat[21]));
        }
    }

    private Seen guestOf(Path p) {
        long lxcPid = Long.parseLong(p.getFileName().toString());
        Controller controller = controllers.get(lxcPid);
        String[] stat = stat(lxcPid);
        String comm = read(p.resolve("comm"));
        if (controller == null || stat == null || !stat[21].equals(controller.start()) || comm == null
                || !comm.trim().equals("libvirt_lxc")) {
            controllers.remove(lxcPid);
            return null;
        }
        String domain = controller.domain();
        long init = guestInit(lxcPid);
        if (init < 0) {
            return null;
        }
        String[] initStat = stat(init);
        if (initStat == null || initStat[2].equals("Z") || initStat[2].equals("X")) {
            return null;
        }
        long remoted = -1;
        char state = '-';
        for (long c : children(init)) {
            String cc = read(PROC.resolve(Long.toString(c)).resolve("comm"));
            String[] cs = stat(c);
            if (cc != null && cc.trim().startsWith("pacemaker-remot") && cs != null) {
                remoted = c;
                state = cs[2].charAt(0);
            }
        }
        return new Seen(domain, lxcPid, init, Long.parseLong(initStat[21]), remoted, state, listening(init));
    }

    private String domainOf(Path p) {
        String cmd = read(p.resolve("cmdline"));
        if (cmd == null) {
            return "";
        }
        String[] args = cmd.split("\0");
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--name") || args[i].equals("-n")) {
                return args[i + 1];
            }
        }
        return "";
    }

    private boolean listening(long init) {
        for (String f : List.of("tcp", "tcp6")) {
            String t = read(PROC.resolve(Long.toString(init)).resolve("net").resolve(f));
            if (t == null) {
                continue;
            }
            for (String line : t.split("\n")) {
                String[] c = line.trim().split("\\s+");
                if (c.length > 3 && c[1].endsWith(PORT_3121) && c[3].equals("0A")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The guest's init: the child of libvirt_lxc in a PID namespace of its own that runs the guest's program.
     * libvirt_lxc's other children stay in the host's namespace (the commands it runs to set up the network), or are
     * still libvirt_lxc itself (a clone that only probes which namespaces exist, gone at once; and the init before it
     * executes the guest's init): neither is a guest incarnation.
     */
    private long guestInit(long pid) {
        String hostNs = pidNs(pid);
        for (long c : children(pid)) {
            String ns = pidNs(c);
            String comm = read(PROC.resolve(Long.toString(c)).resolve("comm"));
            if (hostNs != null && ns != null && !ns.equals(hostNs) && comm != null
                    && !comm.trim().equals("libvirt_lxc")) {
                return c;
            }
        }
        return -1;
    }

    private static String pidNs(long pid) {
        try {
            return Files.readSymbolicLink(PROC.resolve(Long.toString(pid)).resolve("ns").resolve("pid")).toString();
        } catch (IOException | RuntimeException gone) {
            return null;
        }
    }

    static List<Long> children(long pid) {
        String c = read(PROC.resolve(Long.toString(pid)).resolve("task").resolve(Long.toString(pid))
                .resolve("children"));
        List<Long> out = new ArrayList<>();
        if (c != null) {
            for (String s : c.trim().split("\\s+")) {
                if (!s.isEmpty()) {
                    out.add(Long.parseLong(s));
                }
            }
        }
        return out;
    }

    /** The fields of /proc/PID/stat, the command name taken out (field n of proc(5) is index n - 1). */
    static String[] stat(long pid) {
        String s = read(PROC.resolve(Long.toString(pid)).resolve("stat"));
        if (s == null) {
            return null;
        }
        int close = s.lastIndexOf(')');
        String[] rest = s.substring(close + 2).trim().split(" ");
        String[] all = new String[rest.length + 2];
        all[0] = s.substring(0, s.indexOf(' '));
        all[1] = "comm";
        System.arraycopy(rest, 0, all, 2, rest.length);
        return all;
    }

    static String read(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException gone) {
            return null;
        }
    }

    private static boolean isPid(String s) {
        return !s.isEmpty() && Character.isDigit(s.charAt(0));
    }
}
