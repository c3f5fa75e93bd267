package io.guestnode.operator.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP endpoint Prometheus scrapes: {@code http://ADDRESS/metrics}. */
public final class MetricsEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
    /** Loopback, on ha_cluster_exporter's port. */
    public static final String DEFAULT = "127.0.0.1:9664";
    /** The value that turns the endpoint off. */
    public static final String OFF = "none";

    private final HTTPServer server;

    private MetricsEndpoint(HTTPServer server) {
        this.server = server;
    }

    /**
     * {@code HOST:PORT} ({@code [v6]:PORT} for IPv6) as an address to bind, or empty for {@link #OFF}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Optional<InetSocketAddress> parse(String address) {
        String a = address.trim();
        if (a.equals(OFF)) {
            return Optional.empty();
        }
        int colon = a.lastIndexOf(':');
        if (colon <= 0 || colon == a.length() - 1) {
            throw new IllegalArgumentException("'" + address + "' is not HOST:PORT (or '" + OFF + "')");
        }
        String host = a.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(a.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + address + "': the port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("'" + address + "': the port is outside 0-65535");
        }
        if (!host.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("'" + address + "': the host must be an IP address (no name lookups)");
        }
        try {
            return Optional.of(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + address + "': '" + host + "' is not an IP address");
        }
    }

    /**
     * Serves {@code metrics} on {@code address}; empty (and a warning logged) when the address cannot be bound: the
     * daemon runs on without its metrics rather than not at all.
     */
    public static Optional<MetricsEndpoint> start(InetSocketAddress address, Metrics metrics) {
        return start(address, metrics, () -> "");
    }

    /**
     * The same, and {@code statusPage} (HTML) on {@code /}: the status as crm_mon's HTML shows it, for a browser on
     * the host (or through an SSH tunnel).
     */
    public static Optional<MetricsEndpoint> start(InetSocketAddress address, Metrics metrics,
                                                  java.util.function.Supplier<String> statusPage) {
        try {
            HTTPServer s = HTTPServer.builder().inetAddress(address.getAddress()).port(address.getPort())
                    .registry(metrics.registry()).defaultHandler(exchange -> page(exchange, statusPage))
                    .buildAndStart();
            LOG.info("metrics on http://{}:{}/metrics", address.getAddress().getHostAddress(), s.getPort());
            return Optional.of(new MetricsEndpoint(s));
        } catch (IOException | RuntimeException e) {
            LOG.warn("metrics not served: cannot listen on {}: {}", address, e.getMessage());
            return Optional.empty();
        }
    }

    private static void page(com.sun.net.httpserver.HttpExchange exchange, java.util.function.Supplier<String> page)
            throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            boolean found = path.equals("/") || path.equals("/status") || path.equals("/status.html");
            byte[] body = (found ? page.get() : "not found: try /, /status or /metrics\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", found ? "text/html; charset=utf-8" : "text/plain");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(found ? 200 : 404, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
