package io.guestnode.agents.remote;

import java.util.Objects;

/** Where a pacemaker-remoted listens. */
public record Endpoint(String host, int port) {
    public static final int DEFAULT_PORT = 3121;

    public Endpoint {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1-65535");
        }
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
