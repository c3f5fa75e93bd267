package io.guestnode.agents.supervision;

import java.util.Map;

/** What supervises the daemon (systemd, through its notification socket), told of the daemon's state. */
public interface ServiceManager {
    /** Sends {@code state} ({@code KEY=VALUE} lines: READY=1, WATCHDOG=1, STATUS=..., STOPPING=1); false if lost. */
    boolean notify(String state);

    /** No manager listens: nothing is sent. */
    ServiceManager NONE = state -> false;

    /** The manager named by the environment ({@code NOTIFY_SOCKET}), else {@link #NONE}. */
    static ServiceManager fromEnvironment(Map<String, String> env) {
        return NotifySocket.fromEnvironment(env).<ServiceManager>map(s -> s).orElse(NONE);
    }
}
