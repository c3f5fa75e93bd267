package io.guestnode.agents.fencing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Linux watchdog device ({@code /dev/watchdog}): its timeout set to W, then kept alive by writes only while the
 * deadline it was fed lies ahead; past it, the writes stop and the device resets the host W after the last one.
 * Disarming writes the magic character 'V' before closing, so a planned stop does not reset the host. A crash or a
 * hang of guestnode stops the writes too: the host resets.
 */
public final class WatchdogDevice implements HostWatchdog {
    private static final Logger LOG = LoggerFactory.getLogger(WatchdogDevice.class);
    private static final byte KEEPALIVE = 0;
    private static final byte MAGIC_CLOSE = 'V';

    private final Path device;
    private final DeviceFile out;
    private final Duration timeout;
    private final LongSupplier nanos;
    private final ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("watchdog-feeder").factory());
    private long deadline;
    private boolean fed;
    private boolean closed;

    /**
     * Opens and arms the device; it resets the host {@code timeout} after the last keepalive from now on.
     *
     * @throws IOException naming the device when it cannot be opened or its timeout set
     */
    public WatchdogDevice(DeviceFile file, Duration timeout, LongSupplier nanos) throws IOException {
        if (timeout.toSeconds() < 1 || timeout.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("--watchdog-timeout " + timeout.toMillis() + " ms: a watchdog device "
                    + "counts whole seconds, at least 1");
        }
        this.device = file.path();
        this.out = file;
        this.timeout = timeout;
        this.nanos = nanos;
        try {
            file.setTimeout((int) timeout.toSeconds());
        } catch (IOException e) {
            magicClose();
            throw new IOException("cannot set the timeout of the watchdog device " + device + " to "
                    + timeout.toSeconds() + " s: " + e.getMessage(), e);
        }
        this.deadline = nanos.getAsLong();
        long every = Math.max(100, timeout.toMillis() / 4);
        feeder.scheduleAtFixedRate(this::keepAlive, 0, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void feedUntil(long deadlineNanos) {
        if (!fed || deadlineNanos - deadline > 0) {
            deadline = deadlineNanos;
            fed = true;
        }
    }

    /** Writes a keepalive only while the deadline lies ahead. */
    private void keepAlive() {
        synchronized (this) {
            if (closed || !fed || nanos.getAsLong() - deadline >= 0) {
                return;
            }
            try {
                out.write(KEEPALIVE);
            } catch (IOException e) {
                LOG.error("watchdog device {}: keepalive failed: {}", device, e.getMessage());
            }
        }
    }

    /** Stops the keepalives; false when it was stopped already. */
    private boolean stop() {
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
        }
        feeder.shutdownNow();
        return true;
    }

    @Override
    public void disarm() {
        if (!stop()) {
            return;
        }
        magicClose();
        LOG.info("watchdog device {} closed cleanly: it will not reset the host", device);
    }

    private void magicClose() {
        try (out) {
            out.write(MAGIC_CLOSE);
        } catch (IOException e) {
            LOG.error("watchdog device {}: clean close failed ({}); the host resets {} s after the last keepalive",
                    device, e.getMessage(), timeout.toSeconds());
        }
    }

    @Override
    public void close() {
        if (!stop()) {
            return;
        }
        try {
            out.close(); // no magic character: the device stays armed
        } catch (IOException e) {
            LOG.debug("watchdog device {}: {}", device, e.getMessage());
        }
    }
}
