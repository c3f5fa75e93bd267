package io.guestnode.operator.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The CPU time of each lab host's guestnode JVM, read from /proc of the whole machine. */
final class IdleCpu {
    /** Clock ticks per second of /proc/PID/stat (USER_HZ, 100 on Linux). */
    static final double HZ = 100.0;

    private IdleCpu() {
    }

    /** Each host's daemon's user + system time in clock ticks; a host whose daemon is not found is left out. */
    static Map<String, Long> ticks(List<String> hosts, String cluster) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : procs) {
                List<String> args;
                try {
                    args = Arrays.asList(new String(Files.readAllBytes(p.resolve("cmdline")),
                            StandardCharsets.UTF_8).split("\0"));
                } catch (IOException gone) {
                    continue;
                }
                if (args.isEmpty() || !args.get(0).endsWith("java") || !args.contains("run")) {
                    continue;
                }
                int name = args.indexOf("--node-name");
                int cl = args.indexOf("--cluster");
                if (name < 0 || cl < 0 || name + 1 >= args.size() || cl + 1 >= args.size()
                        || !args.get(cl + 1).equals(cluster) || !hosts.contains(args.get(name + 1))) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.put(args.get(name + 1), Long.parseLong(f[11]) + Long.parseLong(f[12]));
                } catch (IOException gone) {
                    // ended meanwhile
                }
            }
        }
        return out;
    }
}
