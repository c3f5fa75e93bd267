package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.LocationRule;
import io.guestnode.operator.definitions.Score;
import io.guestnode.operator.definitions.SourceLocation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What operators said of hosts at run time, kept by the cluster (they survive a restart of any host): a guest's
 * preferred host (Pacemaker's {@code crm_resource --move}: a location rule of INFINITY until cleared), the hosts a
 * guest is banned from ({@code --ban}: -INFINITY), and the hosts in standby (they run no guest: theirs move away).
 *
 * @param prefer  guest node to the host it should run on
 * @param bans    guest node to the hosts it must not run on
 * @param standby hosts in standby
 */
public record HostOverrides(Map<String, String> prefer, Map<String, Set<String>> bans, Set<String> standby) {
    public static final HostOverrides NONE = new HostOverrides(Map.of(), Map.of(), Set.of());
    /** Where the location rules made of the overrides say they come from. */
    static final SourceLocation FROM_OPERATOR = new SourceLocation(Path.of("(operator)"), 0);

    public HostOverrides {
        prefer = Map.copyOf(prefer);
        Map<String, Set<String>> b = new HashMap<>();
        bans.forEach((g, hs) -> {
            if (!hs.isEmpty()) {
                b.put(g, Set.copyOf(hs));
            }
        });
        bans = Map.copyOf(b);
        standby = Set.copyOf(standby);
    }

    /** The guest prefers {@code host}; a ban of it from that host is lifted (as crm_resource --move does). */
    public HostOverrides withPrefer(String guest, String host) {
        Map<String, String> p = new HashMap<>(prefer);
        p.put(guest, host);
        Map<String, Set<String>> b = new HashMap<>(bans);
        Set<String> hs = new HashSet<>(b.getOrDefault(guest, Set.of()));
        hs.remove(host);
        b.put(guest, hs);
        return new HostOverrides(p, b, standby);
    }

    public HostOverrides withBan(String guest, String host) {
        Map<String, Set<String>> b = new HashMap<>(bans);
        Set<String> hs = new HashSet<>(b.getOrDefault(guest, Set.of()));
        hs.add(host);
        b.put(guest, hs);
        Map<String, String> p = new HashMap<>(prefer);
        p.remove(guest, host);
        return new HostOverrides(p, b, standby);
    }

    /** Forgets the guest's preference and bans ({@code crm_resource --clear}). */
    public HostOverrides cleared(String guest) {
        Map<String, String> p = new HashMap<>(prefer);
        p.remove(guest);
        Map<String, Set<String>> b = new HashMap<>(bans);
        b.remove(guest);
        return new HostOverrides(p, b, standby);
    }

    public HostOverrides withStandby(String host, boolean on) {
        Set<String> s = new TreeSet<>(standby);
        if (on) {
            s.add(host);
        } else {
            s.remove(host);
        }
        return new HostOverrides(prefer, bans, s);
    }

    /** The overrides of one guest as location rules of its VM resource ({@code cli-prefer-*}, {@code cli-ban-*}). */
    List<LocationRule> rules(String vmId, String guest) {
        List<LocationRule> out = new ArrayList<>();
        String p = prefer.get(guest);
        if (p != null) {
            out.add(new LocationRule("cli-prefer-" + vmId, vmId, p, Score.PLUS_INFINITY, FROM_OPERATOR));
        }
        for (String h : new TreeSet<>(bans.getOrDefault(guest, Set.of()))) {
            out.add(new LocationRule("cli-ban-" + vmId + "-on-" + h, vmId, h, Score.MINUS_INFINITY, FROM_OPERATOR));
        }
        return out;
    }
}
