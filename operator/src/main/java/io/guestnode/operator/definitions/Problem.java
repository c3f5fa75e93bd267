package io.guestnode.operator.definitions;

/** One finding of the loader: {@code file:line: message}, or {@code file:line: warning: message}. */
public record Problem(SourceLocation at, Severity severity, String message) {

    public enum Severity { ERROR, WARNING }

    public static Problem error(SourceLocation at, String message) {
        return new Problem(at, Severity.ERROR, message);
    }

    public static Problem warning(SourceLocation at, String message) {
        return new Problem(at, Severity.WARNING, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        return at + ": " + (severity == Severity.WARNING ? "warning: " : "") + message;
    }
}
