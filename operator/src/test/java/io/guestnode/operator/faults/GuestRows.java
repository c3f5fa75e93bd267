package io.guestnode.operator.faults;

import static io.guestnode.operator.faults.FaultRun.secs;
import static io.guestnode.operator.faults.FaultRun.sh;

import com.fasterxml.jackson.databind.JsonNode;
import io.guestnode.agents.testing.Shell;
import io.guestnode.operator.faults.FaultLab.Guest;
import io.guestnode.operator.faults.ProcScan.Seen;
import io.guestnode.operator.faults.Row.Result;
import io.guestnode.operator.faults.Row.Speed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Faults of one guest: its remoted killed or frozen, its domain destroyed or crashed, a shutdown from inside. */
final class GuestRows {
    private GuestRows() {
    }

    /** How many fences of the guest a row allows. */
    enum Fences {
        ONE("fenced once"), NONE("not fenced"), AT_MOST_ONE("fenced at most once");

        final String text;

        Fences(String text) {
            this.text = text;
        }

        boolean allows(int n) {
            return switch (this) {
                case ONE -> n == 1;
                case NONE -> n == 0;
                case AT_MOST_ONE -> n <= 1;
            };
        }
    }

    static List<Row> rows() {
        return List.of(
                new Row("remoted-sigkill", "lost, fenced once, back", "service 5 s after the loss", Speed.FAST,
                        r -> kill(r, "-9")),
                new Row("remoted-sigstop", "found by the poke (1 s / 2 s), fenced once, back",
                        "loss 5 s after the stop; service 5 s after the loss", Speed.FAST, r -> kill(r, "-STOP")),
                new Row("domain-destroyed", "VM stopped by itself: not fenced, back", "service 5 s after the loss",
                        Speed.FAST, GuestRows::destroyed),
                new Row("vm-crash", "init killed: fenced at most once, back", "service 5 s after the loss",
                        Speed.FAST, GuestRows::crash),
                new Row("guest-shutdown", "shutdown_req: not fenced, VM fail count +1, back",
                        "service 5 s after the loss", Speed.FAST, GuestRows::shutdown),
                new Row("maintenance-remoted-restart", "maintenance on, remoted restarted, off: not fenced, "
                        + "same incarnation, service never stopped", "online 5 s after maintenance off", Speed.FAST,
                        GuestRows::maintenance));
    }

    static Result kill(FaultRun r, String signal) throws Exception {
        Guest g = r.nextGuest();
        long pid = r.remotedPid(g);
        Instant t0 = Instant.now();
        sh("kill", signal, Long.toString(pid));
        return lossAndRecovery(r, g, t0, Fences.ONE, 5_000, "kill " + signal + " remoted");
    }

    static Result destroyed(FaultRun r) throws Exception {
        Guest g = r.nextGuest();
        Instant t0 = Instant.now();
        sh("virsh", "-q", "-c", "lxc:///", "destroy", g.domain());
        return lossAndRecovery(r, g, t0, Fences.NONE, 5_000, "virsh destroy");
    }

    static Result crash(FaultRun r) throws Exception {
        Guest g = r.nextGuest();
        Seen s = r.live(g);
        Instant t0 = Instant.now();
        sh("kill", "-9", Long.toString(s.initPid()));
        return lossAndRecovery(r, g, t0, Fences.AT_MOST_ONE, 5_000, "kill -9 init");
    }

    static Result shutdown(FaultRun r) throws Exception {
        Guest g = r.nextGuest();
        long vmFails = DaemonView.failCount(r.daemon.status(), g.vm(), "host1");
        Instant t0 = Instant.now();
        sh("virsh", "-q", "-c", "lxc:///", "shutdown", "--mode", "signal", g.domain());
        String what = "virsh shutdown --mode signal";
        if (r.detected(g, t0, 3_000) == null && running(g)) {
            // a guest's init that has not yet armed its SIGTERM handler ignores the signal (PID 1): ask once more
            sh("virsh", "-q", "-c", "lxc:///", "shutdown", "--mode", "signal", g.domain());
            what += " (sent twice: the first was ignored)";
        }
        Result base = lossAndRecovery(r, g, t0, Fences.NONE, 10_000, what);
        long after = DaemonView.failCount(r.daemon.status(), g.vm(), "host1");
        if (after == vmFails + 1) {
            return base;
        }
        String why = g.vm() + " fail count " + vmFails + " -> " + after + " (expected +1)";
        return new Row.Failed(base.observed() + "; " + why);
    }

    private static boolean running(Guest g) {
        return Shell.run(List.of("virsh", "-q", "-c", "lxc:///", "domstate", g.domain())).output().trim()
                .equals("running");
    }

    /**
     * The common check of a guest lost to a fault: the daemon's journal shows the loss within
     * {@code detectMs}, the service runs again (a fresh start) within 5 s of it, the guest's fences are as the
     * row allows, and exactly one new incarnation came up.
     */
    static Result lossAndRecovery(FaultRun r, Guest g, Instant t0, Fences rule, long detectMs, String what)
            throws Exception {
        Instant lost = r.detected(g, t0, detectMs);
        if (lost == null) {
            r.awaitAllUp(30);
            return new Row.Failed(what + ": no loss in the journal within " + detectMs + " ms");
        }
        Instant back = r.recovered(g, t0, lost.plus(r.recoveryDeadline), true);
        if (back != null) {
            r.recoveryTimes.add(Observer.seconds(lost, back));
        }
        r.awaitAllUp(30);
        r.observer.settle();
        JsonNode s = r.daemon.status();
        int fences = DaemonView.fences(s, t0, g.node()).size();
        List<ProcScan.Incarnation> bornList = r.observer.bornSince(g.node(), t0);
        int born = bornList.size();
        List<String> problems = new ArrayList<>();
        if (back == null) {
            problems.add(g.service() + " not running " + r.recoveryDeadline.toSeconds() + " s after the loss");
        }
        if (!rule.allows(fences)) {
            problems.add("fenced " + fences + " times (expected: " + rule.text + ")");
        }
        ProcScan.Seen now = r.observer.live(g.node());
        if (now == null || !now.listening()) {
            problems.add("the guest's remoted does not listen on 3121 afterwards (observer: " + now + ")");
        }
        if (born != 1) {
            problems.add(born + " new incarnations of " + g.node() + " (expected 1): " + r.observer.describe(bornList));
        }
        String observed = what + " " + g.node() + ": loss " + secs(t0, lost) + ", fences " + fences + ", "
                + g.service() + " again " + secs(lost, back) + " after the loss"
                + GuestLog.dhNote(r.observer, g.node());
        return Row.of(observed, problems);
    }

    static Result maintenance(FaultRun r) throws Exception {
        Guest g = r.nextGuest();
        Seen before = r.live(g);
        Instant t0 = Instant.now();
        List<String> problems = new ArrayList<>();
        if (r.lab.cli("maintenance", "on", g.node()).rc() != 0) {
            return new Row.Failed("maintenance on " + g.node() + " refused");
        }
        sh("kill", "-9", Long.toString(before.remotedPid()));
        if (r.detected(g, t0, 5_000) == null) {
            problems.add("the loss in maintenance was not journaled");
        }
        sh("nsenter", "-t", Long.toString(before.initPid()), "-a", "--", "sh", "-c",
                "setsid /usr/sbin/pacemaker-remoted </dev/null >/dev/null 2>&1 &");
        if (!awaitListening(r, g, Instant.now().plusSeconds(5))) {
            problems.add("the restarted remoted did not listen on 3121 within 5 s (observer)");
        }
        Instant off = Instant.now();
        r.lab.cli("maintenance", "off", g.node());
        JsonNode s = r.daemon.await(off.plusSeconds(5), x -> DaemonView.online(x, g.node()));
        r.observer.settle();
        JsonNode last = r.daemon.status();
        int fences = DaemonView.fences(last, t0, g.node()).size();
        long starts = DaemonView.count(last, t0, "start " + g.service() + " ");
        Seen after = r.observer.live(g.node());
        if (s == null) {
            problems.add(g.node() + " not online 5 s after maintenance off");
        }
        if (fences != 0) {
            problems.add("fenced " + fences + " times");
        }
        if (after == null || !after.incarnation().equals(before.incarnation())) {
            problems.add("the guest was restarted: " + before.incarnation() + " -> " + (after == null ? "none"
                    : after.incarnation()));
        }
        if (starts != 0) {
            problems.add(g.service() + " started " + starts + " times");
        }
        String observed = g.node() + ": online again " + secs(off, s == null ? null : Instant.parse(s.get("updated")
                .asText())) + " after maintenance off, fences " + fences + ", " + g.service() + " starts " + starts;
        return Row.of(observed, problems);
    }

    /** Waits until the observer sees the guest's remoted listening (its socket, from the guest's namespace). */
    static boolean awaitListening(FaultRun r, Guest g, Instant deadline) {
        while (Instant.now().isBefore(deadline)) {
            Seen s = r.observer.live(g.node());
            if (s != null && s.listening()) {
                return true;
            }
            Observer.sleep(50);
        }
        return false;
    }
}
