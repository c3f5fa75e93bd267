package io.guestnode.operator.definitions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An alert of the CIB's {@code <alerts>} section, as Pacemaker runs it: the agent at {@code path}, run for each
 * recipient (once with none when it has none) on the events of the kinds it selects (all when it selects none), with
 * its instance attributes in its environment, killed after {@code timeout}.
 */
public record Alert(String id, Path path, Duration timeout, String timestampFormat, Map<String, String> env,
                    Set<Kind> select, List<String> recipients) {
    /** Pacemaker's default: 30 s. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Pacemaker's default timestamp-format. */
    public static final String DEFAULT_TIMESTAMP_FORMAT = "%H:%M:%S.%06N";

    /** The kinds of event an alert may select ({@code CRM_alert_kind}). */
    public enum Kind {
        NODE, FENCING, RESOURCE, ATTRIBUTE;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Alert {
        env = Map.copyOf(env);
        select = Set.copyOf(select);
        recipients = List.copyOf(recipients);
    }

    public boolean selects(Kind k) {
        return select.isEmpty() || select.contains(k);
    }
}
