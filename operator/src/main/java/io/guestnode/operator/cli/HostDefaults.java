package io.guestnode.operator.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The host's defaults for the options of {@code guestnode run}: {@code /etc/default/guestnode}, in the shell syntax of
 * Debian's default files, and the environment (a systemd unit's {@code EnvironmentFile=} reads the same file). A key
 * names an option: {@code GUESTNODE_ZOOKEEPER} is {@code --zookeeper}, {@code GUESTNODE_NODE_NAME} is
 * {@code --node-name}; the verbs that share an option ({@code --socket}, {@code --node-name}, {@code --key},
 * {@code --state-dir}) take it too. The command line wins over the environment, the environment over the file; an empty value is no value.
 */
final class HostDefaults implements CommandLine.IDefaultValueProvider {
    static final Path FILE = Path.of("/etc/default/guestnode");
    /** Keys the launcher reads, not the daemon. */
    static final Set<String> LAUNCHER_KEYS = Set.of("GUESTNODE_JAVA_OPTS");

    private static final Pattern ASSIGNMENT = Pattern.compile("(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)");
    private static final Pattern PLAIN = Pattern.compile("[^\\s\"'`$\\\\;&|<>()]*");

    /** A value and where it was read: {@code /etc/default/guestnode line 4}, or an environment variable. */
    record Entry(String value, String origin) {
    }

    /** The file or the environment holds something guestnode does not read; changes nothing. */
    static final class DefaultsException extends Exception {
        DefaultsException(String message) {
            super(message);
        }
    }

    private final Map<String, Entry> entries;
    private final Map<ArgSpec, String> supplied = new ConcurrentHashMap<>();

    private HostDefaults(Map<String, Entry> entries) {
        this.entries = Map.copyOf(entries);
    }

    /**
     * Reads {@code file} (absent: nothing) and then, for each key of {@code known}, the environment.
     *
     * @param known the keys of {@code guestnode run}'s options
     */
    static HostDefaults load(Path file, Map<String, String> environment, Set<String> known) throws DefaultsException {
        Map<String, Entry> entries = new HashMap<>(readFile(file, known));
        for (String key : known) {
            String v = environment.get(key);
            if (v != null && !v.isEmpty()) {
                entries.put(key, new Entry(v, "environment variable " + key));
            } else if (v != null) {
                entries.remove(key);
            }
        }
        return new HostDefaults(entries);
    }

    private static Map<String, Entry> readFile(Path file, Set<String> known) throws DefaultsException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            throw new DefaultsException(file + ": cannot read it: " + e.getMessage());
        }
        Map<String, Entry> entries = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String where = file + " line " + (i + 1);
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = ASSIGNMENT.matcher(line);
            if (!m.matches()) {
                throw new DefaultsException(where + ": expected NAME=VALUE, found '" + shortened(line) + "'");
            }
            String key = m.group(1);
            if (!key.startsWith("GUESTNODE_") || LAUNCHER_KEYS.contains(key)) {
                continue; // another program's variable, or the launcher's
            }
            if (!known.contains(key)) {
                throw new DefaultsException(where + ": " + key + " is no option of guestnode run (known: "
                        + String.join(", ", new TreeSet<>(known)) + ")");
            }
            String value = value(m.group(2), where + ": " + key);
            if (value.isEmpty()) {
                entries.remove(key);
            } else {
                entries.put(key, new Entry(value, where));
            }
        }
        return entries;
    }

    /** A value as the shell reads it, for the forms that need no expansion: plain, "double" or 'single' quoted. */
    private static String value(String text, String where) throws DefaultsException {
        String rest;
        String value;
        if (text.startsWith("\"") || text.startsWith("'")) {
            char q = text.charAt(0);
            int end = text.indexOf(q, 1);
            if (end < 0) {
                throw new DefaultsException(where + ": the quote " + q + " is not closed");
            }
            value = text.substring(1, end);
            if (q == '"' && (value.contains("$") || value.contains("`") || value.contains("\\"))) {
                throw new DefaultsException(where + ": guestnode does not expand $, ` or \\ in a value; write it "
                        + "in full");
            }
            rest = text.substring(end + 1);
        } else {
            Matcher m = PLAIN.matcher(text);
            m.lookingAt();
            value = text.substring(0, m.end());
            rest = text.substring(m.end());
        }
        if (!rest.isEmpty() && !(Character.isWhitespace(rest.charAt(0)) && rest.strip().startsWith("#"))
                && !rest.isBlank()) {
            throw new DefaultsException(where + ": unexpected '" + shortened(rest.strip()) + "' after the value "
                    + "(quote a value with spaces; guestnode does not expand $, ` or \\)");
        }
        return value;
    }

    private static String shortened(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    /** The key of an option: {@code --node-name} is {@code GUESTNODE_NODE_NAME}. */
    static String keyOf(OptionSpec o) {
        return "GUESTNODE_" + o.longestName().replaceFirst("^-+", "").toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The keys of a command's options, help and version aside. */
    static Set<String> keysOf(CommandLine.Model.CommandSpec spec) {
        Set<String> keys = new TreeSet<>();
        for (OptionSpec o : spec.options()) {
            if (!o.usageHelp() && !o.versionHelp()) {
                keys.add(keyOf(o));
            }
        }
        return keys;
    }

    @Override
    public String defaultValue(ArgSpec a) {
        if (!(a instanceof OptionSpec o)) {
            return null;
        }
        Entry e = entries.get(keyOf(o));
        if (e == null) {
            return null;
        }
        supplied.put(a, e.origin());
        return e.value();
    }

    /** Where the value of {@code a} came from, when this gave it; else {@code null}. */
    String originOf(ArgSpec a) {
        return a == null ? null : supplied.get(a);
    }
}
