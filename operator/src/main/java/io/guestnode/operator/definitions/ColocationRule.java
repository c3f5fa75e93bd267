package io.guestnode.operator.definitions;

/**
 * {@code rsc_colocation}: where {@code resource} (the dependent) runs relative to {@code withResource} (the
 * primary), which is placed first. INFINITY: only where the primary runs (stopped when it runs nowhere); -INFINITY:
 * never where it runs; a finite score: that much preference (or aversion) for the primary's guest node.
 */
public record ColocationRule(String id, String resource, String withResource, Score score, SourceLocation at) {

    /** Whether the dependent may run only where the primary runs. */
    public boolean mandatory() {
        return score.value() >= Score.INFINITY;
    }

    /** Whether the dependent may never run where the primary runs. */
    public boolean forbidding() {
        return score.isMinusInfinity();
    }
}
