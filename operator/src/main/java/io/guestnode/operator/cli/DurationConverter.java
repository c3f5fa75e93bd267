package io.guestnode.operator.cli;

import io.guestnode.operator.definitions.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Lets options take Pacemaker durations ({@code 5s}, {@code 500ms}, {@code 1min}). */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            Duration d = Durations.parse(value);
            if (d.isZero()) {
                throw new CommandLine.TypeConversionException("'" + value + "' must be longer than zero");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
