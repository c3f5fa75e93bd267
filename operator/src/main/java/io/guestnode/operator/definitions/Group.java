package io.guestnode.operator.definitions;

import java.util.List;

/** An ordered, colocated set of services: they run on one guest node and start in this order. */
public record Group(String id, List<String> members, SourceLocation at) {
    public Group {
        members = List.copyOf(members);
    }
}
