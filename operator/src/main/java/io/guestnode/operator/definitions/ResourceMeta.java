package io.guestnode.operator.definitions;

import java.time.Duration;

/**
 * The meta-attributes every resource honours.
 *
 * @param targetRole         Started or Stopped
 * @param managed            {@code is-managed}: when false guestnode observes and never acts
 * @param maintenance        like unmanaged, and recurring monitors stop
 * @param migrationThreshold failures on a node before the resource leaves it ({@link Score#INFINITY} by default,
 *                           0 disables)
 * @param failureTimeout     failures older than this are forgotten; zero means never
 * @param stickiness         preference for staying where it runs
 * @param priority           who wins when not everything can run
 * @param allowMigrate       {@code allow-migrate}: a VM resource moves by live migration rather than stop and start
 *                           (QEMU/KVM only; false by default, as in Pacemaker)
 */
public record ResourceMeta(TargetRole targetRole, boolean managed, boolean maintenance, long migrationThreshold,
                           Duration failureTimeout, long stickiness, int priority, boolean allowMigrate) {

    public enum TargetRole { STARTED, STOPPED }

    public static final ResourceMeta DEFAULT = new ResourceMeta(TargetRole.STARTED, true, false, Score.INFINITY,
            Duration.ZERO, 0, 0, false);

    /** Whether guestnode may act on the resource. */
    public boolean actionable() {
        return managed && !maintenance;
    }

    public ResourceMeta withTargetRole(TargetRole role) {
        return new ResourceMeta(role, managed, maintenance, migrationThreshold, failureTimeout, stickiness, priority,
                allowMigrate);
    }

    public ResourceMeta withMaintenance(boolean m) {
        return new ResourceMeta(targetRole, managed, m, migrationThreshold, failureTimeout, stickiness, priority,
                allowMigrate);
    }
}
