package io.guestnode.operator.planner;

import io.guestnode.agents.coordination.GuestRecord;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.LocationRule;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.definitions.Score;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.ClusterState.Host;
import io.guestnode.operator.planner.ClusterState.HostStatus;
import io.guestnode.operator.planner.ClusterState.Ownership;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The leader's half of planning with several hosts, a pure function as the planner is: which host each guest node's
 * VM goes to. A guest nobody owns is assigned to the best host (location scores of its VM resource on hosts, then the
 * fewest guests, then the name: Pacemaker's default spreading). A lost host's guest is recovered elsewhere only after
 * proof of death: its claim is gone and the fence delay has passed since (the lost host fenced itself and its
 * watchdog made sure meanwhile), or a fence agent confirmed the host off. A guest whose owner stopped in a planned way
 * (phase frozen) stays with it. A running guest leaves its owner when the owner is in standby or the guest is banned
 * from it, or when an operator moved it to another host that can take it ({@link HostOverrides}): it is relocated
 * (stopped, handed over, started there). Otherwise it stays where it runs: a finite preference for another host never
 * moves a running guest (as with a resource-stickiness above any finite score). Where each guest's services run is
 * then the owner's own plan ({@link Planner}).
 */
public final class HostPlanner {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private HostPlanner() {
    }

    /** The leader's answer: intents to write, when to look again, and why each waiting guest waits. */
    public record HostPlan(List<HostIntent> intents, Optional<Instant> wakeAt, Map<String, String> notes) {
        public HostPlan {
            intents = List.copyOf(intents);
            notes = Map.copyOf(notes);
        }
    }

    public static HostPlan plan(Definitions d, ClusterState c, Overrides o, Duration fenceDelay, Instant now) {
        return plan(d, c, o, HostOverrides.NONE, fenceDelay, now);
    }

    public static HostPlan plan(Definitions d, ClusterState c, Overrides o, HostOverrides h, Duration fenceDelay,
                                Instant now) {
        Step step = new Step(d, c, o, h, fenceDelay, now);
        d.vms().forEach(step::guest);
        return new HostPlan(step.intents, Optional.ofNullable(step.wake), step.notes);
    }

    /** One plan being built. */
    private static final class Step {
        final ClusterState c;
        final Overrides o;
        final HostOverrides h;
        final Duration fenceDelay;
        final Instant now;
        final List<HostIntent> intents = new ArrayList<>();
        final Map<String, String> notes = new TreeMap<>();
        final Map<String, Integer> load;
        final Map<String, List<LocationRule>> locs = new HashMap<>();
        final int migrationLimit;
        /** Per host, the guests moving from or to it now (migrating, relocating) and the moves planned this step. */
        final Map<String, Integer> moving = new HashMap<>();
        Instant wake;

        Step(Definitions d, ClusterState c, Overrides o, HostOverrides h, Duration fenceDelay, Instant now) {
            this.c = c;
            this.o = o;
            this.h = h;
            this.fenceDelay = fenceDelay;
            this.now = now;
            this.load = load(d, c);
            d.locations().forEach(l -> locs.computeIfAbsent(l.resource(), k -> new ArrayList<>()).add(l));
            d.vms().forEach(v -> locs.computeIfAbsent(v.id(), k -> new ArrayList<>()).addAll(h.rules(v.id(),
                    v.node(), now)));
            this.wake = h.guests().nextExpiry(now).orElse(null); // a move's or ban's lifetime ends: plan again
            this.migrationLimit = d.migrationLimit();
            c.guests().values().stream().map(Ownership::record).filter(r -> r.phase() == GuestRecord.Phase.MIGRATING
                    || r.phase() == GuestRecord.Phase.STOPPING).forEach(r -> {
                        r.owner().ifPresent(x -> moving.merge(x, 1, Integer::sum));
                        r.target().ifPresent(x -> moving.merge(x, 1, Integer::sum));
                    });
        }

        void guest(VmResource vm) {
            String g = vm.node();
            Ownership own = c.ownership(g);
            Optional<String> owner = own.record().owner();
            if (owner.isEmpty()) {
                if (disabled(vm, o)) {
                    notes.put(g, "disabled: no host takes it");
                    return;
                }
                best(locs.getOrDefault(vm.id(), List.of()), c, load, Optional.empty()).ifPresentOrElse(h -> {
                    intents.add(new HostIntent.Assign(g, h, own.version(), "place guest node " + g));
                    load.merge(h, 1, Integer::sum);
                }, () -> notes.put(g, "no host can take it"));
                return;
            }
            String from = owner.get();
            Host host = c.host(from).orElse(new Host(from, HostStatus.LOST, Instant.EPOCH, false));
            if (host.member()) {
                if (!host.digestMatches()) {
                    notes.put(g, "its owner " + from + " has other definitions than the cluster: it waits for them");
                } else {
                    stayOrLeave(vm, own, host);
                }
                return;
            }
            if (own.record().phase() == GuestRecord.Phase.FROZEN) {
                notes.put(g, "frozen: " + from + " stopped guestnode in a planned way; its guests stay with it");
                return;
            }
            if (own.claimHolder().isPresent()) {
                notes.put(g, "owner " + from + " is " + host.status().name().toLowerCase(java.util.Locale.ROOT)
                        + " but its claim is still held by " + own.claimHolder().get() + ": waits for it to expire");
                return;
            }
            lostOwner(vm, own, host);
        }

        /**
         * A guest whose owner is a member: it stays, unless it runs (claimed) and must leave (standby, ban) or was
         * moved; a guest being relocated keeps its target while that host can take it, else gets another.
         */
        private void stayOrLeave(VmResource vm, Ownership own, Host host) {
            String g = vm.node();
            String from = host.name();
            GuestRecord r = own.record();
            List<LocationRule> rules = locs.getOrDefault(vm.id(), List.of());
            if (r.phase() == GuestRecord.Phase.MIGRATING) {
                notes.put(g, "migrating live from " + from + " to " + r.target().orElse("?"));
                return;
            }
            if (r.phase() == GuestRecord.Phase.STOPPING) {
                Optional<String> to = r.target().filter(t -> eligible(t, rules, from));
                if (to.isPresent()) {
                    notes.put(g, "relocating from " + from + " to " + to.get() + " (restart)");
                    return;
                }
                relocate(vm, own, from, best(rules, c, load, Optional.of(from)), "its target "
                        + r.target().orElse("(none)") + " cannot take it", false);
                return;
            }
            if (r.phase() != GuestRecord.Phase.RUNNING || !own.claimHolder().equals(Optional.of(from))) {
                return; // placed here and not yet claimed, or claimed again after a restart: it stays
            }
            String why = null;
            if (host.status() == HostStatus.STANDBY) {
                why = from + " is in standby";
            } else if (banned(rules, from)) {
                why = vm.id() + " is banned from " + from;
            }
            if (why != null) {
                relocate(vm, own, from, best(rules, c, load, Optional.of(from)), why, true);
                return;
            }
            String pref = h.guests().preferred(g, now).orElse(null);
            if (pref == null || pref.equals(from)) {
                return;
            }
            if (!eligible(pref, rules, from)) {
                notes.put(g, "moved to " + pref + ", which cannot take it now: it stays on " + from);
                return;
            }
            if (migrates(vm) && r.target().equals(Optional.of(pref))) {
                notes.put(g, "live migration to " + pref + " failed: it stays on " + from + " ('guestnode move' "
                        + "tries again)");
                return;
            }
            relocate(vm, own, from, Optional.of(pref), "moved to " + pref + " by an operator", true);
        }

        /**
         * The guest goes to {@code to}: live, when its VM may migrate ({@link #migrates}) and {@code live} allows it
         * and no live migration there has failed; else by a restart.
         */
        private void relocate(VmResource vm, Ownership own, String from, Optional<String> to, String why,
                              boolean live) {
            String g = vm.node();
            if (to.isEmpty()) {
                notes.put(g, "leaves " + from + " (" + why + ") once a host can take it");
                return;
            }
            boolean fresh = own.record().phase() != GuestRecord.Phase.STOPPING; // a retarget is no new move
            if (fresh && migrationLimit >= 0 && (moving.getOrDefault(from, 0) >= migrationLimit
                    || moving.getOrDefault(to.get(), 0) >= migrationLimit)) {
                notes.put(g, "waits: migration-limit " + migrationLimit + " reached (" + why + ")");
                return;
            }
            if (fresh) {
                moving.merge(from, 1, Integer::sum);
                moving.merge(to.get(), 1, Integer::sum);
            }
            if (live && migrates(vm) && !own.record().target().equals(to)) {
                intents.add(new HostIntent.Migrate(g, from, to.get(), own.version(), "migrate guest node " + g
                        + " live: " + why));
            } else {
                intents.add(new HostIntent.Relocate(g, from, to.get(), own.version(), "relocate guest node " + g
                        + " (restart): " + why));
            }
            load.merge(to.get(), 1, Integer::sum);
            load.merge(from, -1, Integer::sum);
        }

        /** Whether {@code host} can take a guest now: online, with the cluster's definitions, not banned. */
        private boolean eligible(String host, List<LocationRule> rules, String except) {
            return !host.equals(except) && c.host(host).filter(x -> x.status() == HostStatus.ONLINE
                    && x.digestMatches()).isPresent() && !banned(rules, host);
        }

        /** A guest whose owner is no longer a member and holds no claim: recovered once it is proven dead. */
        private void lostOwner(VmResource vm, Ownership own, Host host) {
            String g = vm.node();
            String from = host.name();
            // The host's session ended when the leader saw it leave; its claims ended with it. Counting the fence
            // delay from the later of the two keeps a claim the leader never saw (taken, then lost, between two of
            // its reads) from shortening the wait.
            Instant gone = host.since().isAfter(own.claimGoneSince()) ? host.since() : own.claimGoneSince();
            Instant safe = gone.plus(fenceDelay);
            if (host.status() != HostStatus.FENCED && now.isBefore(safe)) {
                notes.put(g, "owner " + from + " lost at " + TIME.format(gone) + "; recovered elsewhere at "
                        + TIME.format(safe) + " (fence delay " + fenceDelay.toMillis() / 1000.0 + " s)");
                if (wake == null || safe.isBefore(wake)) {
                    wake = safe;
                }
                return;
            }
            if (disabled(vm, o)) {
                notes.put(g, "disabled: its lost owner's copy is dead; no host takes it");
                return;
            }
            String proof = host.status() == HostStatus.FENCED ? from + " fenced (confirmed off)"
                    : from + " lost at " + TIME.format(gone) + " and the fence delay passed";
            best(locs.getOrDefault(vm.id(), List.of()), c, load, Optional.of(from)).ifPresentOrElse(h -> {
                intents.add(new HostIntent.Recover(g, from, h, own.version(), "recover guest node " + g + ": "
                        + proof));
                load.merge(h, 1, Integer::sum);
                load.merge(from, -1, Integer::sum);
            }, () -> notes.put(g, "owner " + from + " lost (" + proof + "); no host can take it"));
        }
    }

    /**
     * Whether a guest moves by live migration: its VM resource has {@code allow-migrate} true, libvirt can migrate
     * its domain (QEMU/KVM; LXC cannot). With {@code remote-allow-migrate} false its connection and the services in
     * it are stopped before and started after, as Pacemaker does; the VM itself still migrates.
     */
    static boolean migrates(VmResource vm) {
        return vm.meta().allowMigrate() && vm.domain().hypervisor().startsWith("qemu");
    }

    private static boolean banned(List<LocationRule> rules, String host) {
        return rules.stream().anyMatch(l -> l.node().equals(host) && l.score().isMinusInfinity());
    }

    private static boolean disabled(VmResource vm, Overrides o) {
        TargetRole r = o.targetRoles().getOrDefault(vm.id(), vm.meta().targetRole());
        return r == TargetRole.STOPPED;
    }

    /** Guests owned by each member host now. */
    private static Map<String, Integer> load(Definitions d, ClusterState c) {
        Map<String, Integer> load = new HashMap<>();
        for (VmResource vm : d.vms()) {
            c.ownership(vm.node()).record().owner().ifPresent(h -> load.merge(h, 1, Integer::sum));
        }
        return load;
    }

    /**
     * The best member host for a VM: highest location score of the VM resource (a ban excludes the host), then the
     * fewest guests, then the first name. Standby hosts, hosts with other definitions and {@code except} are left out.
     */
    private static Optional<String> best(List<LocationRule> rules, ClusterState c, Map<String, Integer> load,
                                         Optional<String> except) {
        String best = null;
        long bestScore = Long.MIN_VALUE;
        for (Host h : c.hosts().values()) {
            if (h.status() != HostStatus.ONLINE || !h.digestMatches() || except.equals(Optional.of(h.name()))) {
                continue;
            }
            long score = 0;
            boolean banned = false;
            for (LocationRule l : rules) {
                if (l.node().equals(h.name())) {
                    banned |= l.score().isMinusInfinity();
                    score = Score.add(new Score(score), l.score()).value();
                }
            }
            if (banned) {
                continue;
            }
            boolean better = best == null || score > bestScore || (score == bestScore
                    && load.getOrDefault(h.name(), 0) < load.getOrDefault(best, 0));
            if (better) {
                best = h.name();
                bestScore = score;
            }
        }
        return Optional.ofNullable(best);
    }
}
