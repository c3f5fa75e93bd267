package io.guestnode.agents.remote.frame;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Memory that decoding messages from all guests may take at once, shared by every session of a client. Each message's
 * decoding (inflating, the text, parsing, handling) holds its share until its reader turns to the next message; a
 * session that cannot get its share within {@link #WAIT_SECONDS} loses its connection rather than wait forever. So a
 * few hostile guests sending large frames together cost at most the budget, not a multiple of the heap, and other
 * guests wait at most briefly (a guest that trickles a frame answers no poke meanwhile and is dropped by it).
 */
public final class DecodeBudget {
    /** 64 MiB: eight largest messages at once, or thousands of ordinary ones. */
    public static final long DEFAULT_BYTES = 64L * 1024 * 1024;
    static final int WAIT_SECONDS = 30;

    private final int totalKib;
    private final Semaphore kib;

    public DecodeBudget(long bytes) {
        this.totalKib = (int) Math.max(1, bytes / 1024);
        this.kib = new Semaphore(totalKib, true);
    }

    /** No limit: for tools and tests that decode one stream. */
    public static DecodeBudget unlimited() {
        return new DecodeBudget((long) Integer.MAX_VALUE * 1024);
    }

    /** Takes {@code bytes} (at most the whole budget); returns what to give back. */
    int take(long bytes) throws FrameException {
        int want = (int) Math.min(totalKib, Math.max(1, (bytes + 1023) / 1024));
        try {
            if (!kib.tryAcquire(want, WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new FrameException("no decoding memory for a message of " + bytes + " bytes within "
                        + WAIT_SECONDS + " s (other guests hold the " + totalKib / 1024 + " MiB budget)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FrameException("interrupted while waiting for decoding memory");
        }
        return want;
    }

    void give(int taken) {
        if (taken > 0) {
            kib.release(taken);
        }
    }

    /** Bytes free now. */
    public long available() {
        return (long) kib.availablePermits() * 1024;
    }
}
