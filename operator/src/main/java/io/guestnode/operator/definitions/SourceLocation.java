package io.guestnode.operator.definitions;

import java.nio.file.Path;

/** Where something was declared: file and line, as {@code file:line} in every message. */
public record SourceLocation(Path file, int line) {
    @Override
    public String toString() {
        return line > 0 ? file + ":" + line : file.toString();
    }
}
