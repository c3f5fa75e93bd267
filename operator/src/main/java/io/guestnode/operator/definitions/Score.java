package io.guestnode.operator.definitions;

/** A Pacemaker score: an integer clamped to ±1,000,000, where the bounds are ±INFINITY. */
public record Score(long value) {
    public static final long INFINITY = 1_000_000;
    public static final Score PLUS_INFINITY = new Score(INFINITY);
    public static final Score MINUS_INFINITY = new Score(-INFINITY);
    public static final Score ZERO = new Score(0);

    public Score {
        value = Math.max(-INFINITY, Math.min(INFINITY, value));
    }

    /** Parses {@code INFINITY}, {@code +INFINITY}, {@code -INFINITY} or an integer. */
    public static Score parse(String text) {
        String t = text == null ? "" : text.trim();
        switch (t.toUpperCase()) {
            case "INFINITY", "+INFINITY" -> {
                return PLUS_INFINITY;
            }
            case "-INFINITY" -> {
                return MINUS_INFINITY;
            }
            default -> {
                try {
                    return new Score(Long.parseLong(t.startsWith("+") ? t.substring(1) : t));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + text + "' is not a score (INFINITY, -INFINITY or an integer)");
                }
            }
        }
    }

    public static Score add(Score a, Score b) {
        if (a.value == -INFINITY || b.value == -INFINITY) {
            return MINUS_INFINITY;
        }
        return new Score(a.value + b.value);
    }

    public boolean isMinusInfinity() {
        return value == -INFINITY;
    }

    @Override
    public String toString() {
        return value == INFINITY ? "INFINITY" : value == -INFINITY ? "-INFINITY" : Long.toString(value);
    }
}
