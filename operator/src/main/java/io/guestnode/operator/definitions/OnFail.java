package io.guestnode.operator.definitions;

import java.util.Locale;

/** What to do when an operation fails ({@code on-fail}). */
public enum OnFail {
    IGNORE, BLOCK, STOP, RESTART, FENCE;

    public static OnFail parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "ignore" -> IGNORE;
            case "block" -> BLOCK;
            case "stop" -> STOP;
            case "restart" -> RESTART;
            case "fence" -> FENCE;
            case "standby", "demote", "restart-container", "reset-remote" -> throw new IllegalArgumentException(
                    "on-fail '" + text + "' is not supported on guest nodes (use ignore, block, stop, restart or fence)");
            default -> throw new IllegalArgumentException("unknown on-fail '" + text
                    + "' (ignore, block, stop, restart, fence)");
        };
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
