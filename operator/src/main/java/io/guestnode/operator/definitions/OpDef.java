package io.guestnode.operator.definitions;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A configured operation.
 *
 * @param name     start, stop, monitor, ...
 * @param interval 0 for one-shot operations and probes
 * @param timeout  the operation's timeout (op_defaults' {@code timeout}, else 20 s, when not set)
 * @param onFail   configured on-fail, if any (the default depends on the operation)
 * @param enabled  {@code enabled=false} turns a recurring monitor off
 * @param params   extra parameters of this operation (e.g. OCF_CHECK_LEVEL)
 * @param at       where it is declared
 */
public record OpDef(String name, Duration interval, Duration timeout, Optional<OnFail> onFail, boolean enabled,
                    Map<String, String> params, SourceLocation at) {
    public OpDef {
        params = Map.copyOf(params);
    }

    public boolean recurring() {
        return !interval.isZero();
    }
}
