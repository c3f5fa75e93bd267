package io.guestnode.operator.metrics;

/**
 * The class of a fence's reason, a label with few values: the reason's own text names the guest and the details,
 * which would make a series per fence.
 */
final class FenceReason {
    private FenceReason() {
    }

    static String of(String reason) {
        if (reason.startsWith("fenced by the operator")) {
            return "operator";
        }
        if (reason.startsWith("connection lost")) {
            return "connection-lost";
        }
        if (reason.startsWith("connection failed to start")) {
            return "connection-start-failed";
        }
        if (reason.startsWith("stop of ") && reason.contains(" failed")) {
            return "stop-failed";
        }
        if (reason.startsWith("its VM failed")) {
            return "vm-failed";
        }
        if (reason.contains("on-fail=fence")) {
            return "on-fail";
        }
        if (reason.contains("announced its shutdown")) {
            return "shutdown-timeout";
        }
        return "other";
    }
}
