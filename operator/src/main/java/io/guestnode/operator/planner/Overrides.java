package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import java.util.Map;
import java.util.Set;

/**
 * What operators said at run time, on top of the definitions: enable/disable (target role), maintenance of
 * a guest node or of the whole host, where services are moved or banned ({@code placements}: guest nodes as their
 * nodes); the guest nodes migrating live away from this host, which are observed and never acted on while libvirt
 * moves them; and the guest nodes whose connection is stopped around such a migration ({@code remote-allow-migrate=
 * false}: the services in it stopped first, the VM kept running). The last two are never saved: a restart forgets
 * them.
 */
public record Overrides(Map<String, TargetRole> targetRoles, Set<String> maintenanceGuests, boolean hostMaintenance,
                        Set<String> migrating, Set<String> connectionsStopped, Placements placements) {
    public static final Overrides NONE = new Overrides(Map.of(), Set.of(), false);

    public Overrides {
        targetRoles = Map.copyOf(targetRoles);
        maintenanceGuests = Set.copyOf(maintenanceGuests);
        migrating = Set.copyOf(migrating);
        connectionsStopped = Set.copyOf(connectionsStopped);
        java.util.Objects.requireNonNull(placements);
    }

    public Overrides(Map<String, TargetRole> targetRoles, Set<String> maintenanceGuests, boolean hostMaintenance) {
        this(targetRoles, maintenanceGuests, hostMaintenance, Set.of(), Set.of(), Placements.NONE);
    }

    /** The services' moves and bans replaced by {@code p}. */
    public Overrides withPlacements(Placements p) {
        return new Overrides(targetRoles, maintenanceGuests, hostMaintenance, migrating, connectionsStopped, p);
    }

    /** The guest node migrates live away from this host ({@code on}), or no longer. */
    public Overrides withMigrating(String guest, boolean on) {
        return new Overrides(targetRoles, maintenanceGuests, hostMaintenance, toggled(migrating, guest, on),
                connectionsStopped, placements);
    }

    /**
     * The guest node's connection is stopped, the services in it first, while its VM keeps running ({@code on}: it
     * migrates with {@code remote-allow-migrate=false}), or no longer.
     */
    public Overrides withConnectionStopped(String guest, boolean on) {
        return new Overrides(targetRoles, maintenanceGuests, hostMaintenance, migrating,
                toggled(connectionsStopped, guest, on), placements);
    }

    public Overrides withTargetRole(String resource, TargetRole role) {
        var m = new java.util.HashMap<>(targetRoles);
        m.put(resource, role);
        return new Overrides(m, maintenanceGuests, hostMaintenance, migrating, connectionsStopped, placements);
    }

    public Overrides withMaintenance(String guest, boolean on) {
        return new Overrides(targetRoles, toggled(maintenanceGuests, guest, on), hostMaintenance, migrating,
                connectionsStopped, placements);
    }

    /** {@code set} with {@code guest} in it ({@code on}) or not. */
    private static Set<String> toggled(Set<String> set, String guest, boolean on) {
        var s = new java.util.HashSet<>(set);
        if (on) {
            s.add(guest);
        } else {
            s.remove(guest);
        }
        return s;
    }

    public Overrides withHostMaintenance(boolean on) {
        return new Overrides(targetRoles, maintenanceGuests, on, migrating, connectionsStopped, placements);
    }
}
