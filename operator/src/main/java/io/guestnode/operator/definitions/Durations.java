package io.guestnode.operator.definitions;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pacemaker's interval syntax: a bare number is seconds; units {@code ms}/{@code msec}, {@code us}/{@code usec},
 * {@code s}/{@code sec}, {@code m}/{@code min}, {@code h}/{@code hr}; or ISO 8601 ({@code PT1M}).
 */
public final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("\\s*(\\d+)\\s*([a-zA-Z]*)\\s*");

    private Durations() {
    }

    /** Parses {@code text}, or throws {@link IllegalArgumentException} with a message that quotes it. */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration");
        }
        String t = text.trim();
        if (t.length() > 1 && (t.charAt(0) == 'P' || t.charAt(0) == 'p')) {
            try {
                Duration d = Duration.parse(t.toUpperCase(Locale.ROOT));
                if (d.isNegative()) {
                    throw new IllegalArgumentException("negative duration '" + text + "'");
                }
                return d;
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' is not an ISO 8601 duration");
            }
        }
        Matcher m = SIMPLE.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (examples: 60, 60s, 500ms, 2min, 1h, PT1M)");
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        try {
            return switch (unit) {
                case "", "s", "sec", "secs", "second", "seconds" -> Duration.ofSeconds(n);
                case "ms", "msec", "msecs" -> Duration.ofMillis(n);
                case "us", "usec", "usecs" -> Duration.ofNanos(Math.multiplyExact(n, 1000L));
                case "m", "min", "mins", "minute", "minutes" -> Duration.ofMinutes(n);
                case "h", "hr", "hrs", "hour", "hours" -> Duration.ofHours(n);
                default -> throw new IllegalArgumentException("'" + text + "' has an unknown unit '" + m.group(2)
                        + "' (use ms, s, min or h)");
            };
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
    }

    /** Short human form: {@code 500ms}, {@code 60s}, {@code 2min}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms >= 120_000) {
            return (ms / 60_000) + "min";
        }
        if (ms % 1000 == 0) {
            return (ms / 1000) + "s";
        }
        return ms + "ms";
    }
}
