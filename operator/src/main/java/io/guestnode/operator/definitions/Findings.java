package io.guestnode.operator.definitions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The problems found while reading definitions, and the readers of values every section shares. */
class Findings {
    final List<Problem> problems = new ArrayList<>();

    void error(SourceLocation at, String msg) {
        problems.add(Problem.error(at, msg));
    }

    void warn(SourceLocation at, String msg) {
        problems.add(Problem.warning(at, msg));
    }

    Optional<Duration> duration(SourceLocation at, String what, String text, boolean zeroAllowed) {
        try {
            Duration d = Durations.parse(text);
            if (d.isZero() && !zeroAllowed) {
                error(at, what + " must be longer than zero");
                return Optional.empty();
            }
            return Optional.of(d);
        } catch (IllegalArgumentException e) {
            error(at, what + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    Optional<Boolean> bool(SourceLocation at, String what, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "true", "on", "yes", "y", "1" -> Optional.of(true);
            case "false", "off", "no", "n", "0" -> Optional.of(false);
            default -> {
                error(at, what + " '" + text + "' is not a boolean (true/false)");
                yield Optional.empty();
            }
        };
    }
}
