package io.guestnode.operator.faults;

import static io.guestnode.operator.faults.ConfigRows.expect;
import static io.guestnode.operator.faults.ConfigRows.incarnations;
import static io.guestnode.operator.faults.FaultRun.secs;
import static io.guestnode.operator.faults.FaultRun.sh;

import com.fasterxml.jackson.databind.JsonNode;
import io.guestnode.agents.testing.Shell;
import io.guestnode.operator.faults.FaultLab.Guest;
import io.guestnode.operator.faults.ProcScan.Incarnation;
import io.guestnode.operator.faults.Row.Result;
import io.guestnode.operator.faults.Row.Speed;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Faults of the host: libvirtd restarted or frozen for 30 s (the guests go on; nothing may be fenced on a guess),
 * and a storm of a dozen guests lost at once (fences are limited per host and minute).
 */
final class HostRows {
    static final int STORM_GUESTS = 12;
    static final int FENCE_LIMIT = 10;
    static final Duration FENCE_WINDOW = Duration.ofSeconds(60);

    private HostRows() {
    }

    static List<Row> rows() {
        return List.of(
                new Row("libvirtd-restart", "nothing fenced, no guest restarted, services run",
                        "services 10 s after libvirtd answers", Speed.SLOW, r -> libvirtd(r, false)),
                new Row("libvirtd-sigstop-30s", "nothing fenced on a guess, nothing started twice, services run",
                        "services 10 s after libvirtd answers", Speed.SLOW, r -> libvirtd(r, true)),
                new Row("fence-storm-12", "12 remoted killed at once: each fenced once, <= 10 fences per 60 s, "
                        + "the rest wait, all back", "all services 90 s after the loss", Speed.SLOW, HostRows::storm));
    }

    static long libvirtdPid() {
        String out = Shell.run(List.of("pgrep", "-o", "-x", "libvirtd")).output().trim();
        return out.isEmpty() ? -1 : Long.parseLong(out.lines().findFirst().orElseThrow());
    }

    static Result libvirtd(FaultRun r, boolean freeze) throws Exception {
        long pid = libvirtdPid();
        if (pid < 0) {
            return new Row.CannotRun("no libvirtd process on this host");
        }
        Map<String, Incarnation> before = incarnations(r);
        Instant t0 = Instant.now();
        if (freeze) {
            sh("kill", "-STOP", Long.toString(pid));
            try {
                Observer.sleep(30_000);
            } finally {
                sh("kill", "-CONT", Long.toString(pid));
            }
        } else {
            restartLibvirtd(pid);
        }
        Instant resumed = Instant.now();
        while (!r.observer.libvirtAnswered().isAfter(resumed)) {
            if (Duration.between(resumed, Instant.now()).toSeconds() > 60) {
                return new Row.Failed("libvirtd does not answer 60 s after the fault");
            }
            Observer.sleep(50);
        }
        Instant answered = r.observer.libvirtAnswered();
        List<String> problems = new ArrayList<>();
        for (Guest g : r.guests) {
            if (r.recovered(g, t0, answered.plusSeconds(10), false) == null) {
                problems.add(g.service() + " not running 10 s after libvirtd answered");
            }
        }
        r.awaitAllUp(30);
        r.observer.settle();
        JsonNode s = r.daemon.status();
        expect(problems, s != null, "the daemon does not answer");
        List<String> acts = DaemonView.journal(s, t0).stream().map(DaemonView.Entry::what).filter(w ->
                w.startsWith("start ") || w.startsWith("stop ") || w.startsWith("fence ")).toList();
        expect(problems, acts.isEmpty(), "the daemon acted: " + acts);
        expect(problems, before.equals(incarnations(r)), "guests changed: " + before + " -> " + incarnations(r));
        String seesLibvirt = seesLibvirtAgain(r, problems);
        return Row.of("libvirtd " + (freeze ? "stopped 30 s" : "restarted") + ", answered " + secs(t0, answered)
                + "; actions " + acts.size() + ", guests restarted 0 of " + before.size() + "; " + seesLibvirt,
                problems);
    }

    /**
     * After the fault the daemon must act on libvirt again: a domain destroyed behind its back is seen and its
     * service runs again within 10 s.
     */
    static String seesLibvirtAgain(FaultRun r, List<String> problems) throws Exception {
        Guest g = r.guests.get(0);
        Instant t0 = Instant.now();
        sh("virsh", "-q", "-c", "lxc:///", "destroy", g.domain());
        Instant back = r.recovered(g, t0, t0.plusSeconds(10), true);
        r.awaitAllUp(30);
        expect(problems, back != null, "after the fault, " + g.domain() + " destroyed behind the daemon's back: "
                + g.service() + " not running 10 s later");
        return "then a domain destroyed behind its back: " + g.service() + " again " + secs(t0, back);
    }

    /** Stops libvirtd and starts it again the way bin/setup-host starts it on this host. */
    static void restartLibvirtd(long pid) throws Exception {
        sh("kill", "-TERM", Long.toString(pid));
        Instant until = Instant.now().plusSeconds(15);
        while (Path.of("/proc", Long.toString(pid)).toFile().exists() && Instant.now().isBefore(until)) {
            Observer.sleep(50);
        }
        Path setup = Path.of(System.getProperty("guestnode.root", "."), "bin", "setup-host");
        sh(setup.toString(), "--no-install");
    }

    static Result storm(FaultRun r) throws Exception {
        if (r.guests.size() < STORM_GUESTS) {
            return new Row.CannotRun("needs " + STORM_GUESTS + " guests (--guests " + STORM_GUESTS + "), the lab has "
                    + r.guests.size());
        }
        List<Guest> hit = r.guests.subList(0, STORM_GUESTS);
        List<String> kill = new ArrayList<>(List.of("kill", "-9"));
        for (Guest g : hit) {
            kill.add(Long.toString(r.remotedPid(g)));
        }
        Instant t0 = Instant.now();
        sh(kill.toArray(String[]::new));
        List<String> problems = new ArrayList<>();
        JsonNode waiting = r.daemon.await(t0.plusSeconds(10), x -> DaemonView.notes(x).stream()
                .anyMatch(n -> n.contains("waits: fence limit")));
        expect(problems, waiting != null, "no status note \"waits: fence limit\" within 10 s of the storm");
        Instant deadline = t0.plusSeconds(90);
        Instant lastBack = t0;
        for (Guest g : hit) {
            Instant back = r.recovered(g, t0, deadline, true);
            if (back == null) {
                problems.add(g.service() + " not running 90 s after the loss");
            } else if (back.isAfter(lastBack)) {
                lastBack = back;
            }
        }
        r.awaitAllUp(30);
        r.observer.settle();
        JsonNode s = r.daemon.status();
        List<Instant> fences = new ArrayList<>();
        for (Guest g : hit) {
            int n = DaemonView.fences(s, t0, g.node()).size();
            expect(problems, n == 1, g.node() + " fenced " + n + " times");
            expect(problems, r.observer.bornSince(g.node(), t0).size() == 1, g.node() + " came up "
                    + r.observer.bornSince(g.node(), t0).size() + " times");
        }
        DaemonView.journal(s, Instant.EPOCH).stream().filter(e -> e.what().matches("fence \\S+ by stopping \\S+ \\(.*"))
                .forEach(e -> fences.add(e.at()));
        int worst = worstWindow(fences);
        long waitLines = DaemonView.journal(s, t0).stream().filter(e -> e.what().contains("waits: fence limit"))
                .count();
        expect(problems, worst <= FENCE_LIMIT, worst + " fences within 60 s (limit " + FENCE_LIMIT + ")");
        expect(problems, fences.size() <= FENCE_LIMIT || waitLines > 0, "no \"waits: fence limit\" in the journal");
        return Row.of(STORM_GUESTS + " lost; most fences in 60 s: " + worst + ", waits journaled " + waitLines
                + ", all back " + secs(t0, lastBack), problems);
    }

    /** The most fences ordered within any 60 s window. */
    static int worstWindow(List<Instant> fences) {
        List<Instant> sorted = fences.stream().sorted().toList();
        int worst = 0;
        for (int i = 0; i < sorted.size(); i++) {
            int n = 0;
            for (int j = i; j < sorted.size() && sorted.get(j).isBefore(sorted.get(i).plus(FENCE_WINDOW)); j++) {
                n++;
            }
            worst = Math.max(worst, n);
        }
        return worst;
    }
}
