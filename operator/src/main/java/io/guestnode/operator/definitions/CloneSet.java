package io.guestnode.operator.definitions;

import java.util.OptionalInt;

/**
 * An anonymous {@code clone} of a service or of a group of services: one instance in each of up to {@code cloneMax}
 * guest nodes (every node when absent), never two in one. With {@code interleave}, an instance that is ordered after
 * another clone waits only for that clone's instance in its own guest node, not for all of them.
 */
public record CloneSet(String id, String child, OptionalInt cloneMax, boolean interleave, SourceLocation at) {
}
