package io.guestnode.operator.faults;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the kernel says of one guest's QEMU process on one lab host, without libvirt: the time its vCPU threads
 * spent on a CPU (nanoseconds, from the scheduler), which grows only while the guest executes. A paused guest, or
 * one waiting for an incoming migration, adds nothing. The process is found by its command line ({@code -name
 * guest=DOMAIN,...}) among the processes of the host's PID namespace, and remembered.
 */
final class QemuVcpus {
    /** No QEMU process of the domain on that host. */
    static final long NONE = -1;
    /** The processes could not be searched: nothing can be said. */
    static final long FAILED = -2;
    /** How often a host without the process is searched again (a search reads every process's command line). */
    private static final long SEARCH_MS = 300;

    private final String domain;
    private final Map<String, List<Path>> threads = new ConcurrentHashMap<>();
    private final Map<String, Long> searched = new ConcurrentHashMap<>();
    private volatile String lastSearch = "none";

    QemuVcpus(String domain) {
        this.domain = domain;
    }

    /**
     * The vCPU time of the domain's QEMU on {@code host} (its namespaces' init {@code init}); {@link #NONE} when no
     * QEMU of it is there; {@link #FAILED} when that cannot be told (the processes could not be searched, or its QEMU
     * was found without vCPU threads to read). A host where it was not found is searched again at most every
     * {@link #SEARCH_MS}, unless {@code searchNow}.
     */
    long nanos(String host, long init, boolean searchNow) {
        List<Path> known = threads.get(host);
        if (known != null) {
            OptionalLong t = read(known);
            if (t.isPresent()) {
                return t.getAsLong();
            }
            threads.remove(host); // that QEMU is gone
        }
        long now = System.currentTimeMillis();
        Long last = searched.get(host);
        if (!searchNow && known == null && last != null && now - last < SEARCH_MS) {
            return NONE;
        }
        searched.put(host, now);
        Optional<List<Path>> found = search(init);
        if (found.isEmpty()) {
            return FAILED;
        }
        if (found.get().isEmpty()) {
            return NONE;
        }
        threads.put(host, found.get());
        return read(found.get()).orElse(NONE);
    }

    private static OptionalLong read(List<Path> schedstats) {
        long sum = 0;
        for (Path p : schedstats) {
            try {
                sum += Long.parseLong(Files.readString(p).trim().split("\\s+")[0]);
            } catch (IOException | RuntimeException e) {
                return OptionalLong.empty(); // the process is gone
            }
        }
        return OptionalLong.of(sum);
    }

    /**
     * The schedstat files of the vCPU threads of the domain's QEMU processes in {@code init}'s PID namespace: empty
     * when there is none; absent when the search failed or found a QEMU of it without vCPU threads.
     */
    private Optional<List<Path>> search(long init) {
        List<Path> out = new ArrayList<>();
        lastSearch = "no process of " + domain + " in the PID namespace of " + init;
        try {
            String ns = Files.readSymbolicLink(Path.of("/proc", Long.toString(init), "ns", "pid")).toString();
            try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                for (Path p : procs) {
                    if (!qemuOfDomain(p, ns)) {
                        continue;
                    }
                    List<String> names = new ArrayList<>();
                    int before = out.size();
                    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(p.resolve("task"))) {
                        for (Path t : tasks) {
                            String comm;
                            try {
                                comm = Files.readString(t.resolve("comm")).trim();
                            } catch (NoSuchFileException e) {
                                continue; // a thread that ended meanwhile
                            }
                            names.add(comm);
                            if (comm.startsWith("CPU ") || comm.contains("CPUs/")) { // "CPU 0/TCG", "ALL CPUs/TCG"
                                out.add(t.resolve("schedstat"));
                            }
                        }
                    } catch (NoSuchFileException e) {
                        continue; // the process ended meanwhile
                    }
                    lastSearch = "process " + p.getFileName() + " in " + ns + ", threads " + names;
                    if (out.size() == before) {
                        return Optional.empty(); // a QEMU of it whose vCPUs cannot be read: nothing can be told
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            lastSearch = "search failed: " + e;
            return Optional.empty();
        }
        return Optional.of(out);
    }

    /** What the last search found, for a failure's message. */
    String lastSearch() {
        return lastSearch;
    }

    /** Whether {@code proc} is a QEMU of the domain in the PID namespace {@code ns}; one that ended meanwhile is not. */
    private boolean qemuOfDomain(Path proc, String ns) throws IOException {
        try {
            String cmd = Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
            return cmd.contains("guest=" + domain + ",")
                    && Files.readSymbolicLink(proc.resolve("ns").resolve("pid")).toString().equals(ns);
        } catch (NoSuchFileException e) {
            return false;
        }
    }
}
