package io.guestnode.agents.coordination;

import java.time.Duration;

/**
 * A host's own proof that it still reaches a ZooKeeper quorum, on its own monotonic clock: the send time of the last
 * write a quorum acknowledged ({@code t0}). Fresh until {@code t0 + S}; past {@code t0 + S/3} the session should move
 * to another server; past {@code t0 + S} the host must fence itself. Nothing here trusts a library's connection
 * events: only acknowledged writes move {@code t0}, and only forward. Times are {@link System#nanoTime()} values.
 * Not thread-safe on its own: {@link Heartbeat} guards it.
 */
public final class QuorumClock {
    /** What a host must do now. */
    public enum Verdict { FRESH, MOVE_SESSION, SELF_FENCE }

    private final long selfFenceNanos;
    private final long switchNanos;
    private long lastAcked;
    private boolean everAcked;

    public QuorumClock(Timing timing) {
        this.selfFenceNanos = timing.selfFenceAfter().toNanos();
        this.switchNanos = timing.switchAfter().toNanos();
    }

    /** A write sent at {@code sentAt} was acknowledged by a quorum. */
    public void acknowledged(long sentAt) {
        if (!everAcked || sentAt - lastAcked > 0) {
            lastAcked = sentAt;
            everAcked = true;
        }
    }

    /** The instant until which the host may run guests: {@code t0 + S}; only meaningful once acknowledged. */
    public long freshUntil() {
        return lastAcked + selfFenceNanos;
    }

    public boolean everAcknowledged() {
        return everAcked;
    }

    /** What to do at {@code now}: a host that never had a write acknowledged is not fresh. */
    public Verdict verdict(long now) {
        if (!everAcked || now - freshUntil() >= 0) {
            return Verdict.SELF_FENCE;
        }
        return now - lastAcked >= switchNanos ? Verdict.MOVE_SESSION : Verdict.FRESH;
    }

    /** How long ago the last acknowledged write was sent. */
    public Duration silence(long now) {
        return everAcked ? Duration.ofNanos(now - lastAcked) : Duration.ofDays(1);
    }
}
