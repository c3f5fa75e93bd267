package io.guestnode.agents.coordination;

/** A value read from ZooKeeper with the version a conditional write must name to replace it. */
public record Versioned<T>(T value, int version) {
}
