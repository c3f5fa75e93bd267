package io.guestnode.agents.remote.frame;

/**
 * Ceilings that keep a broken or hostile peer from growing our memory.
 *
 * @param maxPayloadBytes largest message accepted, compressed or not (XML plus its NUL)
 */
public record FrameLimits(int maxPayloadBytes) {
    /** 8 MiB: far above any real message (a 60 KB parameter set is already unusual). */
    public static final FrameLimits DEFAULT = new FrameLimits(8 * 1024 * 1024);

    public FrameLimits {
        if (maxPayloadBytes < 64) {
            throw new IllegalArgumentException("maxPayloadBytes must be at least 64, got " + maxPayloadBytes);
        }
    }
}
