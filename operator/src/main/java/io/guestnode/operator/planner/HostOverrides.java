package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.LocationRule;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What operators said of placement at run time, kept by the cluster (they survive a restart of any host): where guest
 * nodes are moved or banned among hosts ({@code guests}: Pacemaker's {@code crm_resource --move}, a location rule of
 * INFINITY, and {@code --ban}, -INFINITY, each until cleared or until its lifetime ends), where services are moved
 * or banned among guest nodes ({@code services}: every host's engine plans with them), and the hosts in standby (they
 * run no guest: theirs move away).
 */
public record HostOverrides(Placements guests, Placements services, Set<String> standby) {
    public static final HostOverrides NONE = new HostOverrides(Placements.NONE, Placements.NONE, Set.of());

    public HostOverrides {
        java.util.Objects.requireNonNull(guests);
        java.util.Objects.requireNonNull(services);
        standby = Set.copyOf(standby);
    }

    /** The guest prefers {@code host}; a ban of it from that host is lifted (as crm_resource --move does). */
    public HostOverrides withPrefer(String guest, String host, Optional<Instant> until) {
        return new HostOverrides(guests.withMove(guest, host, until), services, standby);
    }

    public HostOverrides withPrefer(String guest, String host) {
        return withPrefer(guest, host, Optional.empty());
    }

    public HostOverrides withBan(String guest, String host, Optional<Instant> until) {
        return new HostOverrides(guests.withBan(guest, host, until), services, standby);
    }

    public HostOverrides withBan(String guest, String host) {
        return withBan(guest, host, Optional.empty());
    }

    /** Forgets the guest's preference and bans ({@code crm_resource --clear}). */
    public HostOverrides cleared(String guest) {
        return new HostOverrides(guests.cleared(guest), services, standby);
    }

    /** The services' moves and bans changed by {@code change}. */
    public HostOverrides withServices(java.util.function.UnaryOperator<Placements> change) {
        return new HostOverrides(guests, change.apply(services), standby);
    }

    public HostOverrides withStandby(String host, boolean on) {
        Set<String> s = new TreeSet<>(standby);
        if (on) {
            s.add(host);
        } else {
            s.remove(host);
        }
        return new HostOverrides(guests, services, s);
    }

    /**
     * The overrides of one guest that count at {@code now}, as location rules of its VM resource
     * ({@code cli-prefer-*}, {@code cli-ban-*}).
     */
    List<LocationRule> rules(String vmId, String guest, Instant now) {
        return guests.active(now).stream().filter(r -> r.resource().equals(guest)).map(r -> r.location(vmId))
                .toList();
    }
}
