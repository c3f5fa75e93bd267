package io.guestnode.agents.fencing;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A fence agent of the fence-agents family ({@code fence_ipmilan}, {@code fence_virsh}, ...), run as those agents are
 * run by Pacemaker's fencer: its arguments as {@code name=value} lines on standard input, {@code action=off},
 * {@code plug=HOST} and {@code nodename=HOST} last; exit code 0 means the host is off. The arguments come from a file
 * of {@code name=value} lines: those before the first {@code [HOST]} line are every host's, those after it that host's
 * (its board's address, say). A host without a section of its own is never fenced: one board's arguments must never
 * be used against another host. The values are never logged, and are masked in what the agent says.
 */
public final class ExternalFenceAgent implements HostFenceAgent {
    /** What an agent may write back that is kept for the log. */
    private static final int MAX_OUTPUT = 2048;

    private final Path command;
    private final Map<String, String> common;
    private final Map<String, Map<String, String>> hosts;

    public ExternalFenceAgent(Path command, Map<String, String> common, Map<String, Map<String, String>> hosts) {
        this.command = command;
        this.common = Collections.unmodifiableMap(new LinkedHashMap<>(common));
        Map<String, Map<String, String>> h = new LinkedHashMap<>();
        hosts.forEach((k, v) -> h.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
        this.hosts = Collections.unmodifiableMap(h);
    }

    /** The agent and its arguments; the error names the file, the line and what is wrong, and nothing runs. */
    public static ExternalFenceAgent of(Path command, Path config) throws IOException {
        if (!Files.isExecutable(command)) {
            throw new IllegalArgumentException("--fence-agent " + command + ": no executable file there");
        }
        if (config == null) {
            throw new IllegalArgumentException("--fence-agent needs --fence-agent-config: the arguments of each "
                    + "host's fence device, in a [HOST] section of its own");
        }
        Map<String, Map<String, String>> sections = sections(config);
        Map<String, String> common = sections.remove("");
        if (sections.isEmpty()) {
            throw new IllegalArgumentException(config + ": no [HOST] section: no host could be fenced");
        }
        return new ExternalFenceAgent(command, common, sections);
    }

    /** The sections of {@code file} by host ("" for every host's); blank lines and {@code #} comments are skipped. */
    static Map<String, Map<String, String>> sections(Path file) throws IOException {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        Map<String, String> current = new LinkedHashMap<>();
        out.put("", current);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            String at = file + ":" + (i + 1) + ": ";
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            if (l.startsWith("[")) {
                String host = l.endsWith("]") ? l.substring(1, l.length() - 1).strip() : "";
                if (!host.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
                    throw new IllegalArgumentException(at + "'" + l + "' is not a [HOST] line");
                }
                if (out.containsKey(host)) {
                    throw new IllegalArgumentException(at + "[" + host + "] is given twice");
                }
                current = new LinkedHashMap<>();
                out.put(host, current);
                continue;
            }
            int eq = l.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(at + "not a name=value line");
            }
            String name = l.substring(0, eq).strip();
            if (!name.matches("[a-z][a-z0-9_-]{0,63}")) {
                throw new IllegalArgumentException(at + "'" + name + "' is not an argument name (a-z, 0-9, _ and -)");
            }
            if (name.equals("action") || name.equals("plug") || name.equals("port") || name.equals("nodename")) {
                throw new IllegalArgumentException(at + "'" + name + "' is set by guestnode for each host it fences");
            }
            if (current.put(name, l.substring(eq + 1).strip()) != null) {
                throw new IllegalArgumentException(at + "'" + name + "' is given twice");
            }
        }
        return out;
    }

    /** The hosts this agent can fence (those with a section of their own). */
    public List<String> fenceable() {
        return List.copyOf(hosts.keySet());
    }

    /** The names of the arguments {@code host} is fenced with (their values may be secrets). */
    public List<String> argumentNames(String host) {
        return List.copyOf(arguments(host).keySet());
    }

    private Map<String, String> arguments(String host) {
        Map<String, String> a = new LinkedHashMap<>(common);
        a.putAll(hosts.getOrDefault(host, Map.of()));
        return a;
    }

    @Override
    public Result off(String host, Duration timeout) {
        if (!hosts.containsKey(host)) {
            return new Result(false, "no [" + host + "] section in the fence agent's arguments: " + host
                    + " cannot be fenced");
        }
        Map<String, String> arguments = arguments(host);
        Process p;
        try {
            p = new ProcessBuilder(command.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(false, command + " did not start: " + e.getMessage());
        }
        StringBuilder said = new StringBuilder();
        Thread reader = Thread.ofVirtual().name("fence-agent output").start(() -> read(p.getInputStream(), said));
        try (Writer w = p.outputWriter(StandardCharsets.UTF_8)) {
            for (Map.Entry<String, String> a : arguments.entrySet()) {
                w.write(a.getKey() + "=" + a.getValue() + "\n");
            }
            w.write("action=off\nplug=" + host + "\nnodename=" + host + "\n");
        } catch (IOException e) {
            // an agent that does not read all of it still answers with its exit code
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return new Result(false, command.getFileName() + " did not answer within " + timeout.toMillis()
                        + " ms");
            }
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return new Result(false, "interrupted");
        }
        String out;
        synchronized (said) {
            out = said.toString().strip().replace('\n', ' ');
        }
        int rc = p.exitValue();
        return new Result(rc == 0, command.getFileName() + " exit " + rc + (out.isEmpty() ? "" : ": " + mask(out)));
    }

    /** {@code text} with every configured value (of two characters or more) replaced by {@code ***}. */
    private String mask(String text) {
        List<String> values = new java.util.ArrayList<>(common.values());
        hosts.values().forEach(h -> values.addAll(h.values()));
        values.sort(java.util.Comparator.comparingInt(String::length).reversed());
        String out = text;
        for (String v : values) {
            if (v.length() >= 2) {
                out = out.replace(v, "***");
            }
        }
        return out;
    }

    private static void read(InputStream in, StringBuilder said) {
        byte[] buf = new byte[512];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (said) {
                    if (said.length() < MAX_OUTPUT) {
                        said.append(new String(buf, 0, Math.min(n, MAX_OUTPUT - said.length()),
                                StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException e) {
            // the agent ended
        }
    }
}
