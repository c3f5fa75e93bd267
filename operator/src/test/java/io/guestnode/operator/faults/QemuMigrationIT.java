package io.guestnode.operator.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.guestnode.agents.coordination.GuestRecord;
import io.guestnode.agents.testing.Shell;
import io.guestnode.operator.e2e.StatusJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Live migration on a three-host lab ({@code bin/lab}, a real libvirtd per host): a small QEMU (TCG) guest node with a
 * Dummy inside, whose VM resource has allow-migrate, and two LXC guest nodes. {@code guestnode move} migrates the QEMU
 * guest live: the Dummy is never stopped or started again (no host's journal shows either), its monitor never fails,
 * owner and epoch move, nothing is left on the source, and no two hosts ever run the guest at once (every host's
 * libvirt, sampled). A migration libvirt refuses leaves the guest running on its source; a host in standby sends its
 * QEMU guest away live and relocates its LXC guests.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QemuMigrationIT {
    private static final Path SHARED = LabCluster.LAB.resolve("shared/mg");
    private static final List<String> HOSTS = List.of("h1", "h2", "h3");
    private static final String PREFIX = "gnmg-";
    private static final String QEMU = "qg1";
    private static final String QEMU_ADDR = "10.251.1.10";
    private static final LabCluster CLUSTER = new LabCluster(SHARED, HOSTS, List.of("lg1", "lg2"), PREFIX, "mg",
            StatusJson.FAST_MONITOR, "default");
    static QemuWatch watch;

    @BeforeAll
    static void up() throws Exception {
        assumeTrue(Shell.isRoot(), "the lab needs root");
        MultiHostIT.lab("down");
        Shell.Result r = MultiHostIT.lab("up", "--hosts", "3");
        assertEquals(0, r.exitCode(), r.output());
        CLUSTER.define();
        defineQemuGuest();
        watch = new QemuWatch(HOSTS, PREFIX + QEMU, QEMU_ADDR);
        for (String h : HOSTS) {
            CLUSTER.startDaemon(h);
        }
        CLUSTER.await(s -> CLUSTER.everyGuestUp().test(s) && LabCluster.runningOn(s, QEMU).size() == 1,
                Duration.ofSeconds(240));
    }

    static void defineQemuGuest() throws Exception {
        CLUSTER.defineQemu(QEMU, QEMU_ADDR, true);
    }

    @AfterAll
    static void down() throws Exception {
        if (watch != null) {
            watch.close();
        }
        CLUSTER.keepLogs("migration");
        if (Shell.isRoot()) {
            MultiHostIT.lab("down");
        }
    }

    /** Every host's journal since {@code t0}, lines about {@code what}. */
    static List<String> journals(Map<String, JsonNode> s, Instant t0, String what) {
        List<String> out = new ArrayList<>();
        s.forEach((h, st) -> StatusJson.journalSince(st, t0).stream().filter(j -> j.contains(what))
                .forEach(j -> out.add(h + ": " + j)));
        return out;
    }

    /** The Dummy in the QEMU guest: never started or stopped since {@code t0}, and not failed, on any host. */
    static void dummyUntouched(Map<String, JsonNode> s, Instant t0) {
        assertEquals(List.of(), journals(s, t0, "start dummy-" + QEMU), "the Dummy was not started again");
        assertEquals(List.of(), journals(s, t0, "stop dummy-" + QEMU), "the Dummy was not stopped");
        s.forEach((h, st) -> assertNull(StatusJson.failure(st, "dummy-" + QEMU, QEMU), h + ": the Dummy never "
                + "failed: " + st.get("failedActions")));
    }

    @Test
    @Order(1)
    void aMovedQemuGuestMigratesLiveWithItsServiceUntouched() throws Exception {
        String from = CLUSTER.where(QEMU);
        String to = HOSTS.stream().filter(h -> !h.equals(from)).findFirst().orElseThrow();
        long epoch = CLUSTER.record(QEMU).epoch();
        watch.reset();
        Instant t0 = Instant.now();
        Shell.Result moved = CLUSTER.cli(HOSTS.get(2), "move", QEMU, to, "--wait=120s");
        assertEquals(0, moved.exitCode(), moved.output());
        Map<String, JsonNode> s = CLUSTER.await(x -> LabCluster.runningOn(x, QEMU).equals(List.of(to)),
                Duration.ofSeconds(60));
        double took = Duration.between(t0, Instant.now()).toMillis() / 1000.0;
        GuestRecord r = CLUSTER.record(QEMU);
        assertEquals(Optional.of(to), r.owner());
        assertEquals(epoch + 1, r.epoch(), "one claim on the target: " + r);
        assertEquals(GuestRecord.Phase.RUNNING, r.phase());
        assertEquals(Optional.empty(), r.target());
        List<String> migrated = journals(s, t0, QEMU + ": migrated live from " + from + " to " + to);
        assertEquals(1, migrated.size(), s.get(from).get("journal").toString());
        dummyUntouched(s, t0);
        assertEquals(List.of(), watch.overlaps(), "never running on two hosts");
        assertFalse(watch.definedOn(from), "nothing left on " + from);
        System.out.printf("migrate %s from %s to %s: online with its Dummy there after %.1f s; %s; %s%n", QEMU,
                from, to, took, migrated.get(0), watch.summary());
    }

    @Test
    @Order(2)
    void aMigrationLibvirtRefusesLeavesTheGuestRunningOnItsSource() throws Exception {
        String from = CLUSTER.where(QEMU);
        String to = HOSTS.stream().filter(h -> !h.equals(from)).findFirst().orElseThrow();
        // a domain of the same name and another identity on the target: libvirt refuses the migration there
        Path other = Files.writeString(SHARED.resolve("conflict.xml"), "<domain type='qemu'><name>" + PREFIX + QEMU
                + "</name><uuid>00000000-0000-4000-8000-00000000beef</uuid><memory unit='MiB'>16</memory>"
                + "<os><type arch='x86_64' machine='pc'>hvm</type></os></domain>");
        Shell.Result def = MultiHostIT.lab("exec", to, "virsh", "-q", "-c", "qemu:///system", "define",
                other.toString());
        assertEquals(0, def.exitCode(), def.output());
        long epoch = CLUSTER.record(QEMU).epoch();
        Instant t0 = Instant.now();
        Shell.Result moved = CLUSTER.cli(from, "move", QEMU, to, "--wait=20s");
        assertEquals(124, moved.exitCode(), moved.output());
        Map<String, JsonNode> s = CLUSTER.statuses();
        assertEquals(List.of(from), LabCluster.runningOn(s, QEMU), "it runs on where it ran");
        GuestRecord r = CLUSTER.record(QEMU);
        assertEquals(Optional.of(from), r.owner());
        assertEquals(epoch, r.epoch());
        assertEquals(Optional.of(to), r.target(), "the failure is marked: " + r);
        assertEquals(1, journals(s, t0, QEMU + ": live migration to " + to + " failed").size(),
                s.get(from).get("journal").toString());
        dummyUntouched(s, t0);
        assertEquals(List.of(), watch.overlaps());
        Shell.Result undef = MultiHostIT.lab("exec", to, "virsh", "-q", "-c", "qemu:///system", "undefine",
                PREFIX + QEMU);
        assertEquals(0, undef.exitCode(), undef.output());
        Shell.Result again = CLUSTER.cli(from, "move", QEMU, to, "--wait=120s");
        assertEquals(0, again.exitCode(), "a move asked again tries again: " + again.output());
        dummyUntouched(CLUSTER.await(x -> LabCluster.runningOn(x, QEMU).equals(List.of(to)),
                Duration.ofSeconds(60)), t0);
    }

    @Test
    @Order(3)
    void standbySendsTheQemuGuestAwayLiveAndRelocatesTheLxcGuests() throws Exception {
        String host = CLUSTER.where(QEMU);
        for (String g : List.of("lg1", "lg2")) {
            assertEquals(0, CLUSTER.cli(host, "move", g, host, "--wait=60s").exitCode());
            assertEquals(0, CLUSTER.cli(host, "clear", g).exitCode());
        }
        assertEquals(0, CLUSTER.cli(host, "clear", QEMU).exitCode());
        Instant t0 = Instant.now();
        Shell.Result drained = CLUSTER.cli(host, "standby", host, "--wait=180s");
        assertEquals(0, drained.exitCode(), drained.output());
        Map<String, JsonNode> s = CLUSTER.await(x -> List.of(QEMU, "lg1", "lg2").stream().allMatch(g -> {
            List<String> on = LabCluster.runningOn(x, g);
            return on.size() == 1 && !on.get(0).equals(host);
        }), Duration.ofSeconds(60));
        System.out.printf("standby %s (one QEMU, two LXC guests): drained in %.1f s%n", host,
                Duration.between(t0, Instant.now()).toMillis() / 1000.0);
        assertEquals(1, journals(s, t0, QEMU + ": migrated live").size(), "the QEMU guest migrated live");
        dummyUntouched(s, t0);
        for (String g : List.of("lg1", "lg2")) {
            assertEquals(1, journals(s, t0, g + ": relocated (restart)").size(), g + " relocated");
        }
        assertEquals(List.of(), watch.overlaps());
        assertEquals(0, CLUSTER.cli(host, "unstandby", host).exitCode());
    }

    // ------------------------------------------------------------------ the windows of a migration, one fault each

    /** Sets ({@code on}) or lifts a hold of every daemon's migrations at {@code step} (the daemons' test hook). */
    static void hold(String step, boolean on) throws Exception {
        Path f = SHARED.resolve("hold").resolve(step);
        if (on) {
            Files.createDirectories(f.getParent());
            Files.writeString(f, "");
        } else {
            Files.deleteIfExists(f);
        }
    }

    /** Waits until {@code host}'s daemon log shows {@code line} (after {@code lines} lines it had before). */
    static void awaitLog(String host, String line, long before, Duration within) throws Exception {
        Path log = SHARED.resolve(host).resolve("daemon.log");
        long end = System.nanoTime() + within.toNanos();
        while (Files.readAllLines(log).stream().skip(before).noneMatch(l -> l.contains(line))) {
            if (System.nanoTime() > end) {
                List<String> since = Files.readAllLines(log).stream().skip(before).filter(l -> l.contains(QEMU))
                        .toList();
                throw new AssertionError(host + ": no '" + line + "' within " + within.toSeconds() + " s; its log "
                        + "of " + QEMU + " since:\n" + String.join("\n", since.subList(Math.max(0, since.size() - 30),
                        since.size())));
            }
            Thread.sleep(50);
        }
    }

    /**
     * The QEMU guest's migration bandwidth on {@code host} (libvirt's, in MiB/s): sets it to {@code restore}, or, with
     * null, to 1 MiB/s; returns what it was.
     */
    static String migrationSpeed(String host, String restore) throws Exception {
        Shell.Result was = MultiHostIT.lab("exec", host, "virsh", "-q", "-c", "qemu:///system", "migrate-getspeed",
                PREFIX + QEMU);
        assertEquals(0, was.exitCode(), was.output());
        Shell.Result set = MultiHostIT.lab("exec", host, "virsh", "-q", "-c", "qemu:///system", "migrate-setspeed",
                PREFIX + QEMU, "--bandwidth", restore == null ? "1" : restore);
        assertEquals(0, set.exitCode(), set.output());
        return was.output().strip();
    }

    static long logLines(String host) throws Exception {
        return Files.readAllLines(SHARED.resolve(host).resolve("daemon.log")).size();
    }

    /** {@code host} powered off and on again, with its guestnode. */
    static void powerCycle(String host) throws Exception {
        assertEquals(0, MultiHostIT.lab("power-on", host).exitCode());
        CLUSTER.startDaemon(host);
        CLUSTER.await(x -> x.containsKey(host) && x.get(host).has("cluster"), Duration.ofSeconds(60));
    }

    /** The guest back on one live host with its Dummy, never on two at once, with a later epoch. */
    static String recovered(String lost, long epochBefore, Instant t0, String what) throws Exception {
        Map<String, JsonNode> s = CLUSTER.await(x -> {
            List<String> on = LabCluster.runningOn(x, QEMU);
            return on.size() == 1 && !on.get(0).equals(lost);
        }, Duration.ofSeconds(150));
        String on = LabCluster.runningOn(s, QEMU).get(0);
        System.out.printf("%s: %s online with its Dummy on %s after %.1f s%n", what, QEMU, on,
                Duration.between(t0, Instant.now()).toMillis() / 1000.0);
        assertTrue(CLUSTER.record(QEMU).epoch() > epochBefore, "claimed anew");
        assertEquals(List.of(), watch.overlaps(), "never running on two hosts");
        // the move's preference goes: the guest is not to migrate by itself once the lost host is back
        assertEquals(0, CLUSTER.cli(on, "clear", QEMU).exitCode());
        return on;
    }

    @Test
    @Order(4)
    void theSourcePoweredOffMidMigrationTheGuestRunsOnce() throws Exception {
        String from = CLUSTER.where(QEMU);
        String to = HOSTS.stream().filter(h -> !h.equals(from)).findFirst().orElseThrow();
        long epoch = CLUSTER.record(QEMU).epoch();
        long before = logLines(from);
        Instant t0 = Instant.now();
        assertEquals(0, CLUSTER.cli(to, "move", QEMU, to).exitCode());
        awaitLog(from, QEMU + ": migrating live to " + to, before, Duration.ofSeconds(30));
        Thread.sleep(1_000);
        assertEquals(0, MultiHostIT.lab("power-off", from).exitCode());
        recovered(from, epoch, t0, "source " + from + " powered off mid-migration");
        powerCycle(from);
    }

    /** What a test checks in the window a migration is held in, before the held host is powered off. */
    interface Window {
        /** @return the epoch the guest's recovery must exceed */
        long check(String from, String to, long epochBefore) throws Exception;
    }

    /**
     * Moves the guest to another host with the migration held at {@code step} on its source or its target
     * ({@code onSource}), checks that window, powers the held host off, and waits for the guest to be recovered
     * elsewhere, never on two hosts; then powers that host on again.
     */
    static void poweredOffWhileHeld(String step, boolean onSource, String what, Window window) throws Exception {
        String from = CLUSTER.where(QEMU);
        String to = HOSTS.stream().filter(h -> !h.equals(from)).findFirst().orElseThrow();
        String held = onSource ? from : to;
        long epoch = CLUSTER.record(QEMU).epoch();
        long before = logLines(held);
        hold(step, true);
        try {
            Instant t0 = Instant.now();
            assertEquals(0, CLUSTER.cli(to, "move", QEMU, to).exitCode());
            awaitLog(held, QEMU + ": held " + step, before, Duration.ofSeconds(60));
            long exceed = window.check(from, to, epoch);
            assertEquals(0, MultiHostIT.lab("power-off", held).exitCode());
            recovered(held, exceed, t0, (onSource ? "source " : "target ") + held + " powered off " + what);
        } finally {
            hold(step, false);
        }
        powerCycle(held);
    }

    @Test
    @Order(5)
    void theSourcePoweredOffAfterLibvirtMigratedItButBeforeTheHandoverTheGuestRunsOnce() throws Exception {
        poweredOffWhileHeld("before-handover", true, "before its handover", (from, to, epoch) -> {
            assertFalse(watch.definedOn(from), "libvirt moved it: nothing left on " + from);
            assertEquals(GuestRecord.Phase.MIGRATING, CLUSTER.record(QEMU).phase(), "not handed over");
            return epoch;
        });
    }

    /**
     * The window between the source's handover (the record names the target, the guest waits paused there) and the
     * target's claim: the target goes; nobody claims the guest, which is recovered elsewhere after the fence delay.
     */
    @Test
    @Order(6)
    void theTargetPoweredOffAfterTheHandoverButBeforeItsClaimTheGuestRunsOnce() throws Exception {
        poweredOffWhileHeld("before-claim", false, "after the handover, before its claim", (from, to, epoch) -> {
            GuestRecord r = CLUSTER.record(QEMU);
            assertEquals(Optional.of(to), r.owner(), "handed over to the target: " + r);
            assertEquals(GuestRecord.Phase.PLACED, r.phase(), "handed over, not yet claimed: " + r);
            assertEquals(epoch, r.epoch(), "no claim since its source's: " + r);
            assertFalse(watch.definedOn(from), "nothing left on the source " + from);
            return epoch;
        });
    }

    @Test
    @Order(7)
    void theTargetPoweredOffAfterItOwnsTheGuestButBeforeItResumedItTheGuestRunsOnce() throws Exception {
        poweredOffWhileHeld("before-resume", false, "before it resumed the guest", (from, to, epoch) -> {
            GuestRecord r = CLUSTER.record(QEMU);
            assertEquals(Optional.of(to), r.owner(), "the target owns it: " + r);
            assertFalse(watch.definedOn(from), "nothing left on the source " + from);
            return r.epoch();
        });
    }

    @Test
    @Order(8)
    void theTargetPoweredOffMidMigrationTheGuestRunsOnOnItsSource() throws Exception {
        String from = CLUSTER.where(QEMU);
        String to = HOSTS.stream().filter(h -> !h.equals(from)).findFirst().orElseThrow();
        long epoch = CLUSTER.record(QEMU).epoch();
        long before = logLines(from);
        // the migration is slowed to 1 MiB/s on its source, so that the target goes while memory is still copied
        String speed = migrationSpeed(from, null);
        Instant t0 = Instant.now();
        try {
            assertEquals(0, CLUSTER.cli(from, "move", QEMU, to).exitCode());
            awaitLog(from, QEMU + ": migrating live to " + to, before, Duration.ofSeconds(30));
            Thread.sleep(1_000);
            assertEquals(0, MultiHostIT.lab("power-off", to).exitCode());
            awaitLog(from, QEMU + ": live migration to " + to + " failed", before, Duration.ofSeconds(150));
        } finally {
            migrationSpeed(from, speed);
        }
        Map<String, JsonNode> s = CLUSTER.await(x -> LabCluster.runningOn(x, QEMU).equals(List.of(from)),
                Duration.ofSeconds(60));
        System.out.printf("target %s powered off mid-migration: %s runs on on %s (%.1f s)%n", to, QEMU, from,
                Duration.between(t0, Instant.now()).toMillis() / 1000.0);
        GuestRecord r = CLUSTER.record(QEMU);
        assertEquals(Optional.of(from), r.owner());
        assertEquals(epoch, r.epoch(), "never left its source");
        dummyUntouched(s, t0);
        assertEquals(List.of(), watch.overlaps());
        powerCycle(to);
    }

    /**
     * The second guard on QEMU disks: the running guest's disk lease is held in the shared lockspace (libvirt's lockd,
     * the same on every host), and starting the same disk directly on another host fails.
     */
    @Test
    @Order(9)
    void aRunningGuestsDiskCannotBeStartedOnAnotherHost() throws Exception {
        String on = CLUSTER.where(QEMU);
        String other = HOSTS.stream().filter(h -> !h.equals(on)).findFirst().orElseThrow();
        List<Path> leases;
        try (var l = Files.list(LabCluster.LAB.resolve("shared/lockd"))) {
            leases = l.toList();
        }
        assertFalse(leases.isEmpty(), "lockd keeps a lease for the disk");
        for (Path lease : leases) {
            try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(lease,
                    java.nio.file.StandardOpenOption.WRITE)) {
                assertNull(c.tryLock(), lease + " is held by the virtlockd of the host running the guest");
            }
        }
        Shell.Result second = MultiHostIT.lab("exec", other, "virsh", "-c", "qemu:///system", "create",
                SHARED.resolve(QEMU + ".xml").toString());
        assertTrue(second.exitCode() != 0, "a second start of the disk on " + other + " fails: " + second.output());
        Thread.sleep(1_000);
        assertEquals(List.of(on), LabCluster.runningOn(CLUSTER.statuses(), QEMU));
        assertFalse(watch.definedOn(other), "nothing of it on " + other);
        assertEquals(List.of(), watch.overlaps());
    }

    /**
     * remote-allow-migrate=false, as Pacemaker does it: the VM migrates live (never stopped, never started again),
     * while its connection and the Dummy in it are stopped before and started after, once each.
     */
    @Test
    @Order(10)
    void withRemoteAllowMigrateFalseTheVmMigratesAndItsServiceIsRestartedAroundIt() throws Exception {
        Path defs = SHARED.resolve("guests.xml");
        String am = "<nvpair id=\"vm-" + QEMU + "-am\" name=\"allow-migrate\" value=\"true\"/>";
        String xml = Files.readString(defs);
        assertTrue(xml.contains(am), "the QEMU guest's allow-migrate is in " + defs);
        String from = CLUSTER.where(QEMU);
        String digest = CLUSTER.statuses().get(from).path("cluster").path("digest").asText();
        assertFalse(digest.isEmpty(), "status shows the definitions' digest");
        // every host watches the shared file: the change reloads it everywhere
        Files.writeString(defs, xml.replace(am, am + "<nvpair id=\"vm-" + QEMU + "-ram\" name=\"remote-allow-"
                + "migrate\" value=\"false\"/>"));
        CLUSTER.await(x -> x.size() == HOSTS.size() && x.values().stream().allMatch(st -> {
            String now = st.path("cluster").path("digest").asText();
            return !now.isEmpty() && !now.equals(digest);
        }), Duration.ofSeconds(30));
        String to = HOSTS.stream().filter(h -> !h.equals(from)).findFirst().orElseThrow();
        long epoch = CLUSTER.record(QEMU).epoch();
        watch.reset();
        Instant t0 = Instant.now();
        Shell.Result moved = CLUSTER.cli(to, "move", QEMU, to, "--wait=120s");
        assertEquals(0, moved.exitCode(), moved.output());
        Map<String, JsonNode> s = CLUSTER.await(x -> LabCluster.runningOn(x, QEMU).equals(List.of(to))
                && !journals(Map.of(to, x.get(to)), t0, "start dummy-" + QEMU).isEmpty(), Duration.ofSeconds(90));
        double took = Duration.between(t0, Instant.now()).toMillis() / 1000.0;
        GuestRecord rec = CLUSTER.record(QEMU);
        assertEquals(Optional.of(to), rec.owner());
        assertEquals(epoch + 1, rec.epoch(), "one claim on the target: " + rec);
        List<String> migrated = journals(s, t0, QEMU + ": migrated live from " + from + " to " + to);
        assertEquals(1, migrated.size(), s.get(from).get("journal").toString());
        assertTrue(migrated.get(0).contains("remote-allow-migrate=false"), migrated.get(0));
        assertEquals(List.of(), journals(s, t0, "start vm-" + QEMU), "the VM was not started again");
        assertEquals(List.of(), journals(s, t0, "stop vm-" + QEMU), "the VM was not stopped");
        assertEquals(List.of(), journals(s, t0, "fence " + QEMU), "nothing fenced");
        // the lines of actions begun (each with its reason), not those of their results
        List<String> stops = journals(s, t0, "stop dummy-" + QEMU + " on " + QEMU + " (");
        List<String> starts = journals(s, t0, "start dummy-" + QEMU + " on " + QEMU + " (");
        assertEquals(1, stops.size(), "the Dummy stopped once, on " + from + ": " + stops);
        assertTrue(stops.get(0).startsWith(from + ": "), stops.get(0));
        assertEquals(1, starts.size(), "the Dummy started once, on " + to + ": " + starts);
        assertTrue(starts.get(0).startsWith(to + ": "), starts.get(0));
        assertEquals(1, journals(s, t0, "disconnect " + QEMU + " (").size(), "its connection stopped on " + from);
        assertEquals(List.of(), watch.overlaps(), "never running on two hosts");
        assertFalse(watch.definedOn(from), "nothing left on " + from);
        System.out.printf("migrate %s (remote-allow-migrate=false) from %s to %s: its Dummy started there after "
                + "%.1f s; %s; %s%n", QEMU, from, to, took, migrated.get(0), watch.summary());
    }

    /**
     * The observer these tests rest on reads three states. A host whose libvirt does not answer is not read as "not
     * running": it is unknown while the guest's vCPUs run there, and known to run nothing when no QEMU of it is there;
     * a powered-off host is known to run nothing. Last, since it stops libvirt on the guest's own host for a moment and
     * powers another host off.
     */
    @Test
    @Order(11)
    void theObserverReadsASilentLibvirtAsUnknownUnlessTheKernelSaysTheGuestIsNotThere() throws Exception {
        String on = CLUSTER.where(QEMU);
        List<String> others = HOSTS.stream().filter(h -> !h.equals(on)).toList();
        // its host may have been powered on again moments ago: its libvirt answers once it is ready
        Map<String, QemuWatch.Seen> first = watch.sample();
        String why = watch.explained().toString();
        Map<String, QemuWatch.Seen> now = first;
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (now.get(on) != QemuWatch.Seen.RUNNING && System.nanoTime() < until) {
            Thread.sleep(200);
            now = watch.sample();
        }
        System.out.println("the observer on " + on + ": first " + first + " (" + why + "), then " + now + " ("
                + watch.explained() + ")");
        assertEquals(QemuWatch.Seen.RUNNING, now.get(on), "it runs on " + on + ": " + watch.explained() + "; "
                + watch.summary());
        assertEquals(0, MultiHostIT.lab("libvirtd-stop", on).exitCode());
        assertEquals(0, MultiHostIT.lab("libvirtd-stop", others.get(0)).exitCode());
        Map<String, QemuWatch.Seen> seen;
        try {
            seen = watch.sample();
        } finally {
            MultiHostIT.lab("libvirtd-cont", others.get(0));
            assertEquals(0, MultiHostIT.lab("libvirtd-cont", on).exitCode());
        }
        assertEquals(QemuWatch.Seen.UNKNOWN, seen.get(on), "a silent libvirt where the guest's vCPUs run: " + seen
                + "; " + watch.summary());
        assertEquals(QemuWatch.Seen.NOT_RUNNING, seen.get(others.get(0)), "a silent libvirt where no QEMU of it "
                + "is: " + seen);
        // last of all: the lab goes down after it, this host with it
        String off = others.get(1);
        assertEquals(0, MultiHostIT.lab("power-off", off).exitCode());
        Map<String, QemuWatch.Seen> after = watch.sample();
        assertEquals(QemuWatch.Seen.NOT_RUNNING, after.get(off), "a powered-off host runs nothing: " + after);
        assertEquals(QemuWatch.Seen.RUNNING, after.get(on), "its libvirt answers again: " + after);
    }
}
