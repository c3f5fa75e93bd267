package io.guestnode.operator.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real Prometheus server (Debian's {@code prometheus}) scraping one target every second, on loopback, with its data
 * in a directory of its own; queried through its HTTP API as a dashboard would.
 */
final class PrometheusServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    PrometheusServer(Path dir, String target) throws IOException {
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: guestnode
                    static_configs:
                      - targets: ['%s']
                """.formatted(target));
        process = new ProcessBuilder("/usr/bin/prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("prometheus-data")),
                "--web.listen-address=127.0.0.1:" + port).redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    }

    /** The result vector of an instant query. */
    JsonNode query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(r.body());
        if (!"success".equals(body.path("status").asText())) {
            throw new IOException("query " + promql + ": " + r.body());
        }
        return body.path("data").path("result");
    }

    /** Asks {@code promql} until its result satisfies {@code ok}; the last result. */
    JsonNode await(String promql, Predicate<JsonNode> ok, Duration within) throws Exception {
        long end = System.nanoTime() + within.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < end) {
            try {
                last = query(promql);
                if (ok.test(last)) {
                    return last;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("Prometheus: " + promql + " not as expected within " + within.toSeconds()
                + " s; last: " + last);
    }

    /** The value of a one-sample result, or NaN. */
    static double value(JsonNode result) {
        return result.size() == 1 ? result.get(0).path("value").get(1).asDouble() : Double.NaN;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
