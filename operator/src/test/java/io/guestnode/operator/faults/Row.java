package io.guestnode.operator.faults;

/**
 * One fault of the matrix: its name, what must happen, by when, and how it is injected and checked. Fast rows take
 * under 30 s and touch only the lab's own guests and daemon; the others restart or stop the host's libvirtd or need
 * a dozen guests and minutes.
 */
record Row(String name, String expected, String deadline, Speed speed, Body body) {
    enum Speed { FAST, SLOW }

    /** Injects the fault and checks the outcome against the daemon's record and the observer. */
    @FunctionalInterface
    interface Body {
        Result run(FaultRun run) throws Exception;
    }

    /** What a row found. */
    sealed interface Result permits Passed, Failed, CannotRun {
        String observed();

        default boolean passed() {
            return this instanceof Passed;
        }

        default String verdict() {
            return switch (this) {
                case Passed p -> "pass";
                case Failed f -> "FAIL";
                case CannotRun c -> "not run";
            };
        }
    }

    record Passed(String observed) implements Result {
    }

    record Failed(String observed) implements Result {
    }

    /** The host cannot give what the row needs: reported, never counted as a pass. */
    record CannotRun(String observed) implements Result {
    }

    /** A result from a list of problems: passed when there are none. */
    static Result of(String observed, java.util.List<String> problems) {
        return problems.isEmpty() ? new Passed(observed) : new Failed(observed + "; " + String.join("; ", problems));
    }
}
