package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.Durations;
import java.time.Duration;

/**
 * The host's own rules for the planner, set when the daemon starts.
 *
 * @param fenceLimit  at most this many fences begin within {@code fenceWindow}; the rest wait their turn (a storm of
 *                    losses, e.g. a network fault, must not take every guest down at once)
 * @param fenceWindow the window the limit counts over
 * @param nodeActionLimit at most this many starts and stops of domains are in progress at once (Pacemaker's
 *                    {@code node-action-limit}); more wait for a slot, in the order of the definitions, so that some
 *                    guests finish starting rather than all crawling at once. Fences do not count and never wait.
 */
public record HostPolicy(int fenceLimit, Duration fenceWindow, int nodeActionLimit) {
    private static final int DEFAULT_NODE_ACTION_LIMIT = 4;

    /** The planner's defaults; the daemon derives {@code nodeActionLimit} from the host's cores ({@link #forHost}). */
    public static final HostPolicy DEFAULT = new HostPolicy(10, Duration.ofSeconds(60), DEFAULT_NODE_ACTION_LIMIT);

    public HostPolicy(int fenceLimit, Duration fenceWindow) {
        this(fenceLimit, fenceWindow, DEFAULT_NODE_ACTION_LIMIT);
    }


    /** Pacemaker's default node-action-limit: twice the cores. */
    public static int nodeActionLimitFor(int cores) {
        return Math.max(2, 2 * cores);
    }

    public HostPolicy withNodeActionLimit(int n) {
        return new HostPolicy(fenceLimit, fenceWindow, n);
    }

    public HostPolicy {
        if (nodeActionLimit < 1) {
            throw new IllegalArgumentException("the node action limit is at least 1");
        }
        if (fenceLimit < 1) {
            throw new IllegalArgumentException("the fence limit is at least 1 fence per window");
        }
        if (fenceWindow.isNegative() || fenceWindow.isZero() || fenceWindow.compareTo(ObservedState.FENCE_MEMORY) > 0) {
            throw new IllegalArgumentException("the fence window is longer than 0 and at most "
                    + Durations.format(ObservedState.FENCE_MEMORY));
        }
    }

    /** {@code N/DURATION} (e.g. {@code 10/60s}, {@code 3/1min}); the message names what is wrong. */
    public static HostPolicy parseFenceLimit(String text) {
        int slash = text.indexOf('/');
        if (slash < 1) {
            throw new IllegalArgumentException("fence limit '" + text + "': expected N/DURATION, e.g. 10/60s");
        }
        int n;
        try {
            n = Integer.parseInt(text.substring(0, slash).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fence limit '" + text + "': '" + text.substring(0, slash)
                    + "' is not a number of fences");
        }
        Duration window;
        try {
            window = Durations.parse(text.substring(slash + 1).trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fence limit '" + text + "': " + e.getMessage());
        }
        return new HostPolicy(n, window);
    }

    public String describe() {
        return fenceLimit + " per " + Durations.format(fenceWindow);
    }
}
