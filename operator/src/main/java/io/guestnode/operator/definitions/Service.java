package io.guestnode.operator.definitions;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.Collections;

/** A resource that runs inside a guest node, through its pacemaker-remoted. */
public record Service(String id, Agent agent, SequencedMap<String, String> params, ResourceMeta meta,
                      List<OpDef> ops, Optional<String> group, SourceLocation at) {
    public Service {
        params = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(params));
        ops = List.copyOf(ops);
    }

    public Optional<OpDef> op(String name, boolean recurring) {
        return ops.stream().filter(o -> o.name().equals(name) && o.recurring() == recurring).findFirst();
    }

    public List<OpDef> recurringMonitors() {
        return ops.stream().filter(o -> o.name().equals("monitor") && o.recurring() && o.enabled()).toList();
    }
}
