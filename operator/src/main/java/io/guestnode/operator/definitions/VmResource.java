package io.guestnode.operator.definitions;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A VM resource with {@code remote-node}: it runs on the host and makes a guest node. */
public record VmResource(String id, Agent agent, DomainRef domain, GuestConnection connection, ResourceMeta meta,
                         List<OpDef> ops, Map<String, String> params, SourceLocation at) {
    public VmResource {
        ops = List.copyOf(ops);
        params = Map.copyOf(params);
    }

    public String node() {
        return connection.node();
    }

    public Optional<OpDef> op(String name, boolean recurring) {
        return ops.stream().filter(o -> o.name().equals(name) && o.recurring() == recurring).findFirst();
    }
}
