package io.guestnode.agents.fencing;

import java.time.Duration;

/**
 * What powers off another hypervisor host from outside it (a power switch, a management board, a hypervisor API):
 * proof that the host runs nothing any more, so its guests may start elsewhere at once.
 */
public interface HostFenceAgent {
    /** Whether the host was confirmed off within {@code timeout}, and what the agent said. */
    Result off(String host, Duration timeout);

    /** An attempt's outcome: {@code off} only when the agent confirmed the host is off. */
    record Result(boolean off, String detail) {
    }
}
