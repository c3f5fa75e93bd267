package io.guestnode.operator.alerts;

import io.guestnode.operator.definitions.Alert;
import io.guestnode.operator.engine.EngineListener;
import io.guestnode.operator.planner.Event;
import io.guestnode.operator.planner.ObservedState;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the CIB's alert agents as Pacemaker does, with its {@code CRM_alert_*} environment: on the control loop it only
 * decides what to send ({@link AlertEvents}); the agents run on two threads of their own with a bounded queue, each
 * killed after its alert's timeout, so a slow or hanging agent never stalls the loop and a flood never grows memory
 * (beyond the queue, the oldest alert is dropped, and the log says so).
 */
public final class AlertSender implements EngineListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertSender.class);
    static final int QUEUE = 1000;

    private final String host;
    private final String version;
    private volatile List<Alert> alerts;
    private final AtomicLong sequence = new AtomicLong();
    private final ThreadPoolExecutor runner = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE), Thread.ofPlatform().daemon().name("alert-agent-", 0).factory(),
            (r, pool) -> {
                pool.getQueue().poll();
                LOG.warn("alert dropped: {} alerts wait for their agents", QUEUE);
                pool.execute(r);
            });

    public AlertSender(List<Alert> alerts, String host, String version) {
        this.alerts = List.copyOf(alerts);
        this.host = host;
        this.version = version;
    }

    /** The alerts of reloaded definitions. */
    public void alerts(List<Alert> next) {
        this.alerts = List.copyOf(next);
    }

    @Override
    public void applied(Event e, ObservedState before, ObservedState after, Instant at) {
        List<Alert> now = alerts;
        if (now.isEmpty()) {
            return;
        }
        for (AlertEvents.Note n : AlertEvents.of(e, host)) {
            for (Alert a : now) {
                if (!a.selects(n.kind())) {
                    continue;
                }
                for (String recipient : a.recipients().isEmpty() ? List.of("") : a.recipients()) {
                    Map<String, String> env = env(a, n, recipient, at);
                    runner.execute(() -> run(a, env));
                }
            }
        }
    }

    private Map<String, String> env(Alert a, AlertEvents.Note n, String recipient, Instant at) {
        Map<String, String> env = new HashMap<>(a.env());
        env.putAll(n.vars());
        env.put("CRM_alert_kind", n.kind().word());
        env.put("CRM_alert_version", version);
        env.put("CRM_alert_recipient", recipient);
        env.put("CRM_alert_node_sequence", Long.toString(sequence.incrementAndGet()));
        env.put("CRM_alert_timestamp", Timestamps.format(a.timestampFormat(), at, ZoneId.systemDefault()));
        env.put("CRM_alert_timestamp_epoch", Long.toString(at.getEpochSecond()));
        env.put("CRM_alert_timestamp_usec", Long.toString(at.getNano() / 1000));
        env.putIfAbsent("CRM_alert_nodeid", "");
        return env;
    }

    private static void run(Alert a, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(a.path().toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            if (!p.waitFor(a.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                LOG.warn("alert {}: {} did not finish within {} ms ({} alert); killed", a.id(), a.path(),
                        a.timeout().toMillis(), env.get("CRM_alert_kind"));
            } else if (p.exitValue() != 0) {
                LOG.warn("alert {}: {} exited {} ({} alert)", a.id(), a.path(), p.exitValue(),
                        env.get("CRM_alert_kind"));
            }
        } catch (IOException e) {
            LOG.warn("alert {}: cannot run {}: {}", a.id(), a.path(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        runner.shutdownNow();
    }
}
