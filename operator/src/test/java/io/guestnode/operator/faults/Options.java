package io.guestnode.operator.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * bin/faults' command line: {@code [--rows NAME,...] [--guests N] [--soak DURATION]}, and where it keeps its
 * results ({@code -Dfaults.results=DIR}: the table, the daemon's log and any JVM crash report of the
 * last run).
 */
record Options(List<String> rows, int guests, Duration soak) {
    static final int DEFAULT_GUESTS = 3;

    static Options parse(String[] args) {
        List<String> rows = new ArrayList<>();
        int guests = DEFAULT_GUESTS;
        Duration soak = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--rows" -> rows.addAll(Arrays.asList(need(args[i], value).split(",")));
                case "--guests" -> guests = positive(args[i], need(args[i], value));
                case "--soak" -> soak = duration(need(args[i], value));
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "' (usage: bin/faults [--rows NAME,...] [--guests N] [--soak DURATION])");
            }
            i++;
        }
        return new Options(List.copyOf(rows), guests, soak);
    }

    private static String need(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " takes a number of guests >= 1, not '" + value + "'");
    }

    /** {@code 90s}, {@code 30m}, {@code 2h}. */
    static Duration duration(String value) {
        if (value.matches("\\d+[smh]")) {
            long n = Long.parseLong(value.substring(0, value.length() - 1));
            return switch (value.charAt(value.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        throw new IllegalArgumentException("--soak takes a duration such as 90s, 30m or 2h, not '" + value + "'");
    }

    /** Keeps the table and the daemon's log of this run in {@code faults.results}, when set. */
    static void keep(Options o, Path labDir, String report) throws IOException {
        String results = System.getProperty("faults.results");
        if (results == null) {
            return;
        }
        Path out = Files.createDirectories(Path.of(results));
        try (var old = Files.list(out)) {
            for (Path f : old.filter(x -> x.getFileName().toString().startsWith("hs_err_pid")).toList()) {
                Files.delete(f);
            }
        }
        Files.writeString(out.resolve(o.soak() == null ? "table.txt" : "soak.txt"), report);
        try (var files = Files.list(labDir)) {
            for (Path f : files.filter(x -> x.getFileName().toString().equals("daemon.log")
                    || x.getFileName().toString().startsWith("hs_err_pid")).toList()) {
                Files.copy(f, out.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
