package io.guestnode.agents.remote.message;

/** A recurring operation the executor is running, from {@code lrmd_get_recurring}. */
public record RecurringOp(String resourceId, String action, long intervalMs, long timeoutMs) {
}
