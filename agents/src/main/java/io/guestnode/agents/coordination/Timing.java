package io.guestnode.agents.coordination;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The four times several hosts' safety rests on, and the rule that ties them.
 *
 * <ul>
 * <li>T, {@code --session-timeout}: ZooKeeper expires a silent host's session (and its claims) no sooner than this
 * after it last heard from it.</li>
 * <li>S, {@code --self-fence-after}: a host that has had no write acknowledged by a ZooKeeper quorum for this long
 * (on its own monotonic clock, from the send time of the last acknowledged write) refuses new starts and destroys
 * every guest it runs.</li>
 * <li>W, {@code --watchdog-timeout}: the host watchdog resets the host this long after the last deadline it was
 * given, should guestnode hang before it could self-fence.</li>
 * <li>F, {@code --fence-delay}: the survivors wait this long after a host's claims expired before they start its
 * guests.</li>
 * </ul>
 *
 * The rule: <b>T + F &gt;= S + W + margin</b>, margin at least {@link #MIN_MARGIN}: by the time a survivor may start
 * a lost host's guest, that host has destroyed its copy, or its watchdog has reset it. And S must outlast the loss of
 * one ZooKeeper server: the host moves its session to another server after {@link #switchAfter()} without an
 * acknowledgement, and S leaves room for that switch and a leader election.
 */
public record Timing(Duration sessionTimeout, Duration selfFenceAfter, Duration watchdogTimeout, Duration fenceDelay) {
    public static final Duration MIN_MARGIN = Duration.ofSeconds(2);
    /**
     * T 10 s, S 8 s, W 4 s, F 6 s: 16 s >= 12 s + 4 s. S rides out the loss of the ZooKeeper leader's host (followers
     * notice after syncLimit x tickTime, elect, and sessions move): 6 s did not always on 2 cores.
     */
    public static final Timing DEFAULT = new Timing(Duration.ofSeconds(10), Duration.ofSeconds(8),
            Duration.ofSeconds(4), Duration.ofSeconds(6));
    /** T 6 s, S 3.5 s, W 3 s, F 3 s: 9 s >= 6.5 s + 2.5 s. */
    public static final Timing FAST = new Timing(Duration.ofSeconds(6), Duration.ofMillis(3500),
            Duration.ofSeconds(3), Duration.ofSeconds(3));
    /** How often a host writes to its session to prove it still reaches a quorum. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(1);
    /** ZooKeeper's tick: a session timeout lies between 2 and 20 ticks. */
    public static final Duration TICK = Duration.ofSeconds(1);

    /** A named profile: {@code default} or {@code fast}. */
    public static Timing profile(String name) {
        return switch (name) {
            case "default" -> DEFAULT;
            case "fast" -> FAST;
            default -> throw new IllegalArgumentException("--timing '" + name + "': expected default or fast");
        };
    }

    /** T + F - (S + W): how much later a survivor acts than the lost host's last moment of running a guest. */
    public Duration margin() {
        return sessionTimeout.plus(fenceDelay).minus(selfFenceAfter.plus(watchdogTimeout));
    }

    /** After this long without an acknowledged write, a host moves its session to another ZooKeeper server. */
    public Duration switchAfter() {
        return selfFenceAfter.dividedBy(3);
    }

    /** What is wrong with these times, each naming its options; empty when they are safe. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        positive(out, "--session-timeout", sessionTimeout);
        positive(out, "--self-fence-after", selfFenceAfter);
        positive(out, "--watchdog-timeout", watchdogTimeout);
        if (fenceDelay.isNegative()) {
            out.add("--fence-delay " + show(fenceDelay) + " is negative");
        }
        if (!out.isEmpty()) {
            return out;
        }
        if (sessionTimeout.compareTo(TICK.multipliedBy(2)) < 0 || sessionTimeout.compareTo(TICK.multipliedBy(20)) > 0) {
            out.add("--session-timeout " + show(sessionTimeout) + " is outside what ZooKeeper negotiates with a "
                    + show(TICK) + " tick (" + show(TICK.multipliedBy(2)) + " to " + show(TICK.multipliedBy(20)) + ")");
        }
        if (selfFenceAfter.compareTo(HEARTBEAT.multipliedBy(2)) < 0) {
            out.add("--self-fence-after " + show(selfFenceAfter) + " is shorter than two heartbeats ("
                    + show(HEARTBEAT.multipliedBy(2)) + "): a host would fence itself on one late write");
        }
        if (selfFenceAfter.compareTo(sessionTimeout) >= 0) {
            out.add("--self-fence-after " + show(selfFenceAfter) + " is not shorter than --session-timeout "
                    + show(sessionTimeout) + ": a host must stop its guests before its claims can expire");
        }
        if (margin().compareTo(MIN_MARGIN) < 0) {
            out.add("--session-timeout " + show(sessionTimeout) + " + --fence-delay " + show(fenceDelay) + " = "
                    + show(sessionTimeout.plus(fenceDelay)) + " must be at least --self-fence-after "
                    + show(selfFenceAfter) + " + --watchdog-timeout " + show(watchdogTimeout) + " + "
                    + show(MIN_MARGIN) + " = " + show(selfFenceAfter.plus(watchdogTimeout).plus(MIN_MARGIN)));
        }
        return out;
    }

    /** These times, or an error that names every option at fault. */
    public Timing checked() {
        List<String> p = problems();
        if (!p.isEmpty()) {
            throw new IllegalArgumentException("unsafe timing: " + String.join("; ", p));
        }
        return this;
    }

    /** The arithmetic, as the README and the start-up log show it. */
    public String describe() {
        return "T " + show(sessionTimeout) + " + F " + show(fenceDelay) + " = " + show(sessionTimeout.plus(fenceDelay))
                + " >= S " + show(selfFenceAfter) + " + W " + show(watchdogTimeout) + " + margin " + show(margin());
    }

    private static void positive(List<String> out, String option, Duration d) {
        if (d.isNegative() || d.isZero()) {
            out.add(option + " " + show(d) + " is not positive");
        }
    }

    static String show(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
