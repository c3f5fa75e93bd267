package io.guestnode.operator.definitions;

import io.guestnode.operator.definitions.XmlTree.Element;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** Reads a resource's meta-attributes: target-role, is-managed, maintenance, failure handling, stickiness. */
final class ResourceMetaReader {
    private final Findings findings;

    ResourceMetaReader(Findings findings) {
        this.findings = findings;
    }

    /** The meta-attributes of primitive {@code p} that guestnode reads, each checked; a bad one is an error. */
    ResourceMeta read(Element p, Map<String, String> meta) {
        ResourceMeta d = ResourceMeta.DEFAULT;
        ResourceMeta.TargetRole role = d.targetRole();
        String tr = meta.get("target-role");
        if (tr != null) {
            switch (tr.trim().toLowerCase(Locale.ROOT)) {
                case "started" -> role = ResourceMeta.TargetRole.STARTED;
                case "stopped" -> role = ResourceMeta.TargetRole.STOPPED;
                default -> findings.error(p.at(), p.describe() + ": target-role '" + tr + "' is not Started or Stopped");
            }
        }
        boolean managed = meta.containsKey("is-managed")
                ? findings.bool(p.at(), p.describe() + ": is-managed", meta.get("is-managed")).orElse(true) : true;
        boolean maintenance = meta.containsKey("maintenance")
                ? findings.bool(p.at(), p.describe() + ": maintenance", meta.get("maintenance")).orElse(false) : false;
        long threshold = d.migrationThreshold();
        if (meta.containsKey("migration-threshold")) {
            try {
                threshold = Score.parse(meta.get("migration-threshold")).value();
                if (threshold < 0) {
                    throw new IllegalArgumentException("negative");
                }
            } catch (IllegalArgumentException e) {
                findings.error(p.at(), p.describe() + ": migration-threshold '" + meta.get("migration-threshold")
                        + "' is not INFINITY or a non-negative integer");
            }
        }
        Duration failureTimeout = meta.containsKey("failure-timeout")
                ? findings.duration(p.at(), p.describe() + ": failure-timeout", meta.get("failure-timeout"), true)
                .orElse(Duration.ZERO) : Duration.ZERO;
        long stickiness = 0;
        if (meta.containsKey("resource-stickiness")) {
            try {
                stickiness = Score.parse(meta.get("resource-stickiness")).value();
            } catch (IllegalArgumentException e) {
                findings.error(p.at(), p.describe() + ": resource-stickiness: " + e.getMessage());
            }
        }
        int priority = 0;
        if (meta.containsKey("priority")) {
            try {
                priority = Integer.parseInt(meta.get("priority").trim());
            } catch (NumberFormatException e) {
                findings.error(p.at(), p.describe() + ": priority '" + meta.get("priority") + "' is not an integer");
            }
        }
        boolean allowMigrate = meta.containsKey("allow-migrate")
                && findings.bool(p.at(), p.describe() + ": allow-migrate", meta.get("allow-migrate")).orElse(false);
        return new ResourceMeta(role, managed, maintenance, threshold, failureTimeout, stickiness, priority,
                allowMigrate);
    }
}
