package io.guestnode.agents.testing;

import io.guestnode.agents.remote.Endpoint;
import io.guestnode.agents.remote.tls.AuthKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real pacemaker-remoted for tests: its own network namespace, a generated 4096-byte key, a random port,
 * its own log file. Found at {@code $GUESTNODE_REMOTED} (written by bin/setup-host), else
 * /usr/sbin/pacemaker-remoted; or the one inside a guest image root ({@link #startIn}), for another release.
 */
public final class RemotedSandbox implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final NetworkNamespace ns;
    private final Path dir;
    private final Path keyFile;
    private final Path log;
    private final int port;
    private final GuestImageRoot root;
    private Process process;

    private RemotedSandbox(NetworkNamespace ns, Path dir, Path keyFile, int port, GuestImageRoot root) {
        this.ns = ns;
        this.dir = dir;
        this.keyFile = keyFile;
        this.log = dir.resolve("remoted.log");
        this.port = port;
        this.root = root;
    }

    public static Path remotedBinary() {
        String configured = System.getenv("GUESTNODE_REMOTED");
        Path p = Path.of(configured != null && !configured.isBlank() ? configured : "/usr/sbin/pacemaker-remoted");
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException("pacemaker-remoted not found at " + p + "; run bin/setup-host (or bin/test)");
        }
        return p;
    }

    public static byte[] newKey() {
        byte[] k = new byte[4096];
        RANDOM.nextBytes(k);
        return k;
    }

    /** Starts a daemon with a fresh key and waits until it listens. */
    public static RemotedSandbox start(Path dir) {
        return start(dir, newKey());
    }

    public static RemotedSandbox start(Path dir, byte[] key) {
        return start(dir, key, null);
    }

    /** Starts the pacemaker-remoted of a guest image root (chrooted, see {@link GuestImageRoot}). */
    public static RemotedSandbox startIn(GuestImageRoot root, Path dir) {
        return start(dir, newKey(), root);
    }

    private static RemotedSandbox start(Path dir, byte[] key, GuestImageRoot root) {
        try {
            Files.createDirectories(dir);
            Path keyFile = dir.resolve("authkey");
            Files.write(keyFile, key);
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            NetworkNamespace ns = NetworkNamespace.create();
            RemotedSandbox s = new RemotedSandbox(ns, dir, keyFile, 20000 + RANDOM.nextInt(20000), root);
            try {
                s.launch();
            } catch (RuntimeException e) {
                ns.close();
                throw e;
            }
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void launch() {
        List<String> command = new java.util.ArrayList<>(List.of("ip", "netns", "exec", ns.name()));
        command.addAll(root == null ? List.of(remotedBinary().toString()) : root.remotedCommand(dir));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        // inside an image root, dir is bound at /run/sandbox
        Path seenDir = root == null ? dir : Path.of("/run/sandbox");
        env.put("PCMK_remote_port", Integer.toString(port));
        env.put("PCMK_remote_address", ns.innerAddress());
        env.put("PCMK_authkey_location", seenDir.resolve(keyFile.getFileName()).toString());
        env.put("PCMK_logfile", seenDir.resolve(log.getFileName()).toString());
        env.put("PCMK_debug", "no");
        String libs = System.getenv("GUESTNODE_REMOTED_LIBRARY_PATH");
        if (root == null && libs != null && !libs.isBlank()) {
            env.put("LD_LIBRARY_PATH", libs);
        }
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("remoted.out").toFile());
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitListening(10_000);
    }

    /** Polls the daemon's own /proc view of its namespace's TCP table; connects to nothing. */
    private void awaitListening(long timeoutMs) {
        String portHex = String.format(":%04X ", port);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        Path tcp = Path.of("/proc", Long.toString(process.pid()), "net", "tcp");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("pacemaker-remoted exited with " + process.exitValue() + ": " + output());
            }
            try {
                for (String line : Files.readAllLines(tcp)) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 3 && (f[1] + " ").contains(portHex) && f[3].equals("0A")) {
                        return;
                    }
                }
            } catch (IOException ignored) {
                // process just started or just died; loop decides
            }
            sleep(5);
        }
        throw new IllegalStateException("pacemaker-remoted did not listen within " + timeoutMs + " ms: " + output());
    }

    public Endpoint endpoint() {
        return new Endpoint(ns.innerAddress(), port);
    }

    public AuthKey key() {
        try {
            return AuthKey.load(keyFile);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public Path keyFile() {
        return keyFile;
    }

    public Path dir() {
        return dir;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Sends a signal (KILL, STOP, CONT, TERM) to the daemon. */
    public void signal(String name) {
        Shell.check("kill", "-" + name, Long.toString(process.pid()));
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private String output() {
        try {
            Path out = dir.resolve("remoted.out");
            return Files.exists(out) ? Files.readString(out) + logText() : logText();
        } catch (IOException e) {
            return "";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            Shell.run(List.of("kill", "-CONT", Long.toString(process.pid())));
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ns.close();
    }
}
