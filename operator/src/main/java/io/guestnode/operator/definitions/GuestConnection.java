package io.guestnode.operator.definitions;

import java.time.Duration;

/**
 * The implicit connection resource of a guest node, named by {@code remote-node}.
 *
 * @param node            guest node name (and the connection resource's id)
 * @param addr            where its pacemaker-remoted listens ({@code remote-addr}, default the node name)
 * @param port            {@code remote-port}, default 3121
 * @param connectTimeout  {@code remote-connect-timeout}, default 60 s: the connection's start timeout
 * @param allowMigrate    {@code remote-allow-migrate}
 * @param monitorInterval how often the connection is poked
 * @param monitorTimeout  how long a poke may take before the connection counts as failed
 */
public record GuestConnection(String node, String addr, int port, Duration connectTimeout, boolean allowMigrate,
                              Duration monitorInterval, Duration monitorTimeout) {
    public static final int DEFAULT_PORT = 3121;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(60);
    /** A poke costs under a millisecond: poke every 5 s, fail after 10 s without an answer (detection < 15 s). */
    public static final Duration DEFAULT_MONITOR_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_MONITOR_TIMEOUT = Duration.ofSeconds(10);
}
