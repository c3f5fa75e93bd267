package io.guestnode.operator.definitions;

/** {@code rsc_order}: {@code then} starts after {@code first} (and stops before it, when symmetrical). */
public record OrderRule(String id, String first, String then, Kind kind, boolean symmetrical, SourceLocation at) {
    public enum Kind { MANDATORY, OPTIONAL, SERIALIZE }
}
