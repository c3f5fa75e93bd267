package io.guestnode.operator.engine;

import io.guestnode.agents.supervision.ServiceManager;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.Observed;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the service manager (systemd, {@code Type=notify}) how the daemon is: {@code READY=1} once the control loop
 * has planned for the first time; {@code WATCHDOG=1} every half of {@code WATCHDOG_USEC}, sent only when the loop
 * itself answered within that time (a wedged loop stops the pings, and the manager restarts the daemon);
 * {@code STATUS=} with the guest counts whenever they change; {@code STOPPING=1} when the daemon stops.
 */
public final class Supervision implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Supervision.class);
    /** How often the status is refreshed when no watchdog asks for more. */
    static final Duration STATUS_PERIOD = Duration.ofSeconds(5);
    /** How often the first plan is looked for, until READY=1 is sent. */
    static final Duration READY_POLL = Duration.ofMillis(50);

    private final ServiceManager manager;
    private final Engine engine;
    private final Optional<Duration> watchdog;
    private final Thread thread;
    private volatile boolean running = true;
    private boolean ready;
    private String status = "";

    private Supervision(ServiceManager manager, Engine engine, Optional<Duration> watchdog) {
        this.manager = manager;
        this.engine = engine;
        this.watchdog = watchdog;
        this.thread = Thread.ofPlatform().daemon().name("supervision").start(this::run);
    }

    /** Begins telling {@code manager} of {@code engine}; the watchdog as the environment asks ({@link #watchdog}). */
    public static Supervision start(ServiceManager manager, Engine engine, Map<String, String> env) {
        Optional<Duration> w = watchdog(env, ProcessHandle.current().pid());
        w.ifPresent(d -> LOG.info("service manager watchdog: {} ms; the control loop answers every {} ms",
                d.toMillis(), d.toMillis() / 2));
        return new Supervision(manager, engine, w);
    }

    /**
     * The watchdog interval the manager asks of this process ({@code WATCHDOG_USEC}, when {@code WATCHDOG_PID} is
     * unset or names {@code pid}); empty when none.
     */
    static Optional<Duration> watchdog(Map<String, String> env, long pid) {
        String usec = env.getOrDefault("WATCHDOG_USEC", "");
        String forPid = env.getOrDefault("WATCHDOG_PID", "");
        if (usec.isEmpty() || !forPid.isEmpty() && !forPid.equals(Long.toString(pid))) {
            return Optional.empty();
        }
        try {
            long us = Long.parseLong(usec);
            return us > 0 ? Optional.of(Duration.ofNanos(us * 1000)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void run() {
        while (running) {
            Duration period = !ready ? READY_POLL : watchdog.map(w -> w.dividedBy(2)).orElse(STATUS_PERIOD);
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            tick(period.dividedBy(2));
        }
    }

    /** One look at the loop: it must answer within {@code within}, else nothing is sent (no WATCHDOG=1). */
    private void tick(Duration within) {
        String now;
        try {
            now = engine.call(e -> e.snapshot() == null ? null : status(e.snapshot()), within);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            if (ready && watchdog.isPresent()) { // before READY=1 the loop is busy starting: asked again soon
                LOG.warn("the control loop did not answer within {} ms: no watchdog ping", within.toMillis());
            }
            return;
        }
        if (now == null) {
            return; // not planned yet
        }
        StringBuilder msg = new StringBuilder();
        if (!ready) {
            msg.append("READY=1\n");
        }
        if (watchdog.isPresent()) {
            msg.append("WATCHDOG=1\n");
        }
        if (!now.equals(status)) {
            msg.append("STATUS=").append(now).append('\n');
        }
        if (!msg.isEmpty() && manager.notify(msg.toString())) {
            ready = true;
            status = now;
        }
    }

    /** The one-line status: guest nodes online of all, and services started. */
    static String status(Engine.Snapshot s) {
        long online = 0;
        for (VmResource v : s.definitions().vms()) {
            if (s.state().connection(v.node()).usable()) {
                online++;
            }
        }
        long started = s.state().services().values().stream()
                .filter(x -> x.status() == Observed.ServiceStatus.RUNNING).count();
        return online + " of " + s.definitions().vms().size() + " guest nodes online, " + started
                + " services started";
    }

    /** The daemon stops: the manager is told, and no ping follows. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(2)); // a ping under way goes out before STOPPING=1, never after
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        manager.notify("STOPPING=1\nSTATUS=stopping\n");
    }
}
