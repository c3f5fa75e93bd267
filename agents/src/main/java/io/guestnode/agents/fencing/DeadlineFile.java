package io.guestnode.agents.fencing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watchdog outside this process that reads one file: the wall-clock instant (epoch milliseconds) at which it resets
 * the host, written as {@code lease end + W} with each feed, replaced atomically, never moved earlier. The lab's hosts
 * are made this way (their first process is the watchdog, and its exit ends every process of the host); a host with a
 * watchdog multiplexer can point it at the file. Disarming writes 0: no reset.
 */
public final class DeadlineFile implements HostWatchdog {
    private static final Logger LOG = LoggerFactory.getLogger(DeadlineFile.class);

    private final Path file;
    private final Duration timeout;
    private final LongSupplier nanos;
    private final LongSupplier epochMillis;
    private long lastDeadline;
    private long lastWritten;
    private boolean fed;
    private boolean closed;

    public DeadlineFile(Path file, Duration timeout, LongSupplier nanos, LongSupplier epochMillis) {
        this.file = file;
        this.timeout = timeout;
        this.nanos = nanos;
        this.epochMillis = epochMillis;
    }

    public DeadlineFile(Path file, Duration timeout) {
        this(file, timeout, System::nanoTime, System::currentTimeMillis);
    }

    @Override
    public synchronized void feedUntil(long deadlineNanos) {
        if (closed || fed && deadlineNanos - lastDeadline <= 0) {
            return;
        }
        long reset = epochMillis.getAsLong() + (deadlineNanos - nanos.getAsLong()) / 1_000_000 + timeout.toMillis();
        if (reset <= lastWritten) {
            return;
        }
        if (write(Long.toString(reset))) {
            lastDeadline = deadlineNanos;
            lastWritten = reset;
            fed = true;
        }
    }

    /** The reset instant last written (epoch ms), 0 before the first feed. */
    public synchronized long resetAt() {
        return lastWritten;
    }

    @Override
    public synchronized void disarm() {
        if (!closed) {
            write("0");
            closed = true;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    private boolean write(String text) {
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        try {
            Files.writeString(tmp, text + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException e) {
            LOG.error("watchdog deadline file {} not written: {}", file, e.getMessage());
            return false;
        }
    }
}
