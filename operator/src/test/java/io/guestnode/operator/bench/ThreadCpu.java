package io.guestnode.operator.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a process's CPU goes, by thread name (digits dropped, so a pool's threads count together): user and system
 * ticks of each thread between two snapshots of {@code /proc/PID/task}. Threads born or gone in between are left out.
 */
final class ThreadCpu {
    /** One thread's name and ticks. */
    record Task(String name, long user, long system) {
    }

    private ThreadCpu() {
    }

    static Map<String, Task> snapshot(long pid) {
        Map<String, Task> out = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    String name = Files.readString(t.resolve("comm")).trim().replaceAll("[0-9]+", "#");
                    out.put(t.getFileName() + " " + f[19], new Task(name, Long.parseLong(f[11]), Long.parseLong(f[12])));
                } catch (IOException | RuntimeException gone) {
                    // the thread ended
                }
            }
        } catch (IOException gone) {
            // the process ended
        }
        return out;
    }

    /** The {@code top} thread groups by CPU between the snapshots, as % of one core over {@code seconds}. */
    static String report(Map<String, Task> before, Map<String, Task> after, double seconds, int top) {
        Map<String, long[]> byName = new HashMap<>();
        after.forEach((id, t) -> {
            Task b = before.get(id);
            if (b != null) {
                long[] a = byName.computeIfAbsent(t.name(), k -> new long[3]);
                a[0] += t.user() - b.user();
                a[1] += t.system() - b.system();
                a[2]++;
            }
        });
        List<Map.Entry<String, long[]>> rows = new ArrayList<>(byName.entrySet());
        rows.sort((x, y) -> Long.compare(y.getValue()[0] + y.getValue()[1], x.getValue()[0] + x.getValue()[1]));
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, long[]> r : rows.subList(0, Math.min(top, rows.size()))) {
            long[] v = r.getValue();
            out.append(String.format(Locale.ROOT, "  %-24s %4d threads  user %5.2f%%  system %5.2f%%%n", r.getKey(),
                    v[2], v[0] / seconds, v[1] / seconds));
        }
        return out.toString();
    }
}
