package io.guestnode.operator.definitions;

/** {@code rsc_location}: how much {@code resource} wants (or must not run on) {@code node}. */
public record LocationRule(String id, String resource, String node, Score score, SourceLocation at) {
}
