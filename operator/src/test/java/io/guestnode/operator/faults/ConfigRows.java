package io.guestnode.operator.faults;

import static io.guestnode.operator.faults.FaultRun.secs;

import com.fasterxml.jackson.databind.JsonNode;
import io.guestnode.agents.testing.RemotedSandbox;
import io.guestnode.operator.faults.FaultLab.Guest;
import io.guestnode.operator.faults.Markers.Start;
import io.guestnode.operator.faults.ProcScan.Incarnation;
import io.guestnode.operator.faults.ProcScan.Seen;
import io.guestnode.operator.faults.Row.Result;
import io.guestnode.operator.faults.Row.Speed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Faults of configuration: a guest with another key, one whose remoted never listens, bad and renaming reloads. */
final class ConfigRows {
    private ConfigRows() {
    }

    static List<Row> rows() {
        return List.of(
                new Row("wrong-key", "key rejected: one attempt, VM stopped, stays down",
                        "failed 30 s after the reload", Speed.FAST, ConfigRows::wrongKey),
                new Row("remoted-never-starts", "connection start fails (timed out) at remote-connect-timeout 3 s",
                        "timeout + 2 s", Speed.FAST, ConfigRows::noRemoted),
                new Row("malformed-reload", "refused naming the file; nothing changes", "answer at once; 2 s quiet",
                        Speed.FAST, ConfigRows::malformed),
                new Row("rename-reload", "old domain stopped before the new one starts; service moves with it",
                        "service 30 s after the reload", Speed.FAST, ConfigRows::rename),
                new Row("guestnode-sigkill-restart", "adopts everything: 0 starts, 0 stops, 0 fences",
                        "all online 30 s after the restart", Speed.FAST, ConfigRows::daemonRestart));
    }

    static Result wrongKey(FaultRun r) throws Exception {
        Guest bad = r.lab.guest("gbadkey", 90, "gbadkey", RemotedSandbox.newKey());
        Instant t0 = Instant.now();
        try {
            r.reloadWith(FaultLab.vm(bad, ""), "");
            JsonNode s = r.daemon.await(t0.plusSeconds(30), x -> DaemonView.failure(x, bad.node(), "host1") != null
                    && DaemonView.role(x, bad.vm()).startsWith("Stopped"));
            if (s == null) {
                return new Row.Failed("no failed connection of " + bad.node() + " within 30 s");
            }
            Instant failedAt = Instant.parse(s.get("updated").asText());
            Observer.sleep(3000);
            r.observer.settle();
            JsonNode later = r.daemon.status();
            JsonNode f = DaemonView.failure(later, bad.node(), "host1");
            long attempts = DaemonView.count(later, t0, "connect " + bad.node() + " (");
            List<String> problems = new ArrayList<>();
            expect(problems, "key rejected".equals(f.get("status").asText()), "status " + f.get("status"));
            expect(problems, attempts == 1, attempts + " connection attempts");
            expect(problems, r.observer.live(bad.node()) == null, "the guest still runs 3 s after the failure");
            expect(problems, r.observer.bornSince(bad.node(), t0).size() <= 1, "the guest was started again");
            return Row.of(bad.node() + ": " + f.get("status").asText() + " " + secs(t0, failedAt) + ", attempts "
                    + attempts + ", down", problems);
        } finally {
            removeExtra(r, bad);
        }
    }

    static Result noRemoted(FaultRun r) throws Exception {
        Guest none = r.lab.guest("gnoremoted", 91);
        Instant t0 = Instant.now();
        try {
            r.reloadWith(FaultLab.vm(none, "<nvpair name=\"remote-port\" value=\"3999\"/>"
                    + "<nvpair name=\"remote-connect-timeout\" value=\"3s\"/>"), "");
            JsonNode s = r.daemon.await(t0.plusSeconds(30), x -> DaemonView.failure(x, none.node(), "host1") != null);
            if (s == null) {
                return new Row.Failed("no failed connection start of " + none.node() + " within 30 s");
            }
            Instant failedAt = Instant.parse(s.get("updated").asText());
            Instant connect = DaemonView.journal(s, t0).stream().filter(e -> e.what().startsWith("connect "
                    + none.node() + " (")).map(DaemonView.Entry::at).findFirst().orElse(t0);
            JsonNode f = DaemonView.failure(s, none.node(), "host1");
            double took = Observer.seconds(connect, failedAt);
            List<String> problems = new ArrayList<>();
            expect(problems, "timed out".equals(f.get("status").asText()), "status " + f.get("status"));
            expect(problems, f.get("reason").asText().contains("not connected within 3000 ms"), "reason "
                    + f.get("reason"));
            expect(problems, took >= 2.9 && took <= 5.0, "failed " + took + " s after the connection start");
            return Row.of(none.node() + ": " + f.get("status").asText() + " " + secs(connect, failedAt)
                    + " after the connection start", problems);
        } finally {
            removeExtra(r, none);
        }
    }

    /** Takes a row's extra guest out of the definitions again and waits until it is gone. */
    static void removeExtra(FaultRun r, Guest g) throws Exception {
        r.reloadWith("", "");
        r.daemon.await(Instant.now().plusSeconds(30), x -> DaemonView.role(x, g.vm()).equals("absent"));
        r.awaitAllUp(30);
    }

    static Result malformed(FaultRun r) throws Exception {
        Path file = r.lab.defs.resolve("guests.xml");
        String good = Files.readString(file);
        Map<String, Incarnation> before = incarnations(r);
        Instant t0 = Instant.now();
        Files.writeString(file, good.substring(0, good.length() / 2));
        FaultLab.CliResult res = r.lab.cli("reload");
        Observer.sleep(2000);
        r.observer.settle();
        JsonNode s = r.daemon.status();
        Files.writeString(file, good);
        List<String> problems = new ArrayList<>();
        expect(problems, res.rc() == 78, "reload exit code " + res.rc());
        expect(problems, res.err().contains("guests.xml"), "the error does not name the file: " + res.err().trim());
        expect(problems, !res.err().contains("Exception"), "a stack trace: " + res.err().trim());
        List<String> acts = DaemonView.journal(s, t0).stream().map(DaemonView.Entry::what).filter(w ->
                w.startsWith("start ") || w.startsWith("stop ") || w.startsWith("fence ")
                        || w.startsWith("definitions reloaded")).toList();
        expect(problems, acts.isEmpty(), "the daemon acted: " + acts);
        expect(problems, before.equals(incarnations(r)), "guests changed: " + before + " -> " + incarnations(r));
        expect(problems, r.allUp(s), "not every guest and service is up");
        String first = res.err().replace(r.lab.defs + "/", "").lines().findFirst().orElse("").trim()
                .replace("guestnode reload: invalid definitions, the running configuration stays: ", "");
        return Row.of("refused (exit " + res.rc() + "): " + first.substring(0, Math.min(first.length(), 110))
                + "; 0 actions", problems);
    }

    static Result rename(FaultRun r) throws Exception {
        Guest old = r.nextGuest();
        Guest renamed = r.lab.guest(old.node(), old.n(), old.node() + "r" + (System.nanoTime() % 1000), r.lab.key);
        Incarnation oldInc = r.live(old).incarnation();
        Instant t0 = Instant.now();
        r.replace(old, renamed);
        r.writeDefinitions();
        FaultLab.CliResult res = r.lab.cli("reload");
        Instant back = r.recovered(renamed, t0, t0.plusSeconds(30), true, renamed.domain());
        r.awaitAllUp(30);
        r.observer.settle();
        Seen now = r.observer.live(old.node());
        Instant oldLast = r.observer.lastSeen(oldInc, t0);
        List<Incarnation> born = r.observer.bornSince(old.node(), t0);
        List<String> problems = new ArrayList<>();
        expect(problems, res.rc() == 0, "reload exit code " + res.rc() + ": " + res.err().trim());
        expect(problems, back != null, renamed.service() + " not running in " + renamed.domain()
                + " 30 s after the reload");
        expect(problems, now != null && now.domain().equals(renamed.domain()), "the guest runs in " + now);
        expect(problems, born.size() == 1, born.size() + " new incarnations: " + r.observer.describe(born));
        Instant newFirst = born.isEmpty() ? null : r.observer.firstSeen(born.get(0));
        expect(problems, newFirst == null || oldLast.isBefore(newFirst), "old domain last seen " + oldLast
                + ", new first seen " + newFirst);
        return Row.of(old.domain() + " -> " + renamed.domain() + ": old last seen " + secs(t0, oldLast)
                + ", new first seen " + secs(t0, newFirst) + ", " + renamed.service() + " in it " + secs(t0, back),
                problems);
    }

    static Result daemonRestart(FaultRun r) throws Exception {
        Map<String, Incarnation> before = incarnations(r);
        Instant t0 = Instant.now();
        r.lab.killDaemon();
        r.lab.startDaemon();
        JsonNode s = r.daemon.await(t0.plusSeconds(30), r::allUp);
        Observer.sleep(1000);
        r.observer.settle();
        JsonNode last = r.daemon.status();
        List<String> acts = DaemonView.journal(last, t0).stream().map(DaemonView.Entry::what).filter(w ->
                w.startsWith("start ") || w.startsWith("stop ") || w.startsWith("fence ")).toList();
        long starts = Markers.read(r.lab.markers).stream().map(Start::at).filter(t -> t.isAfter(t0)).count();
        List<String> problems = new ArrayList<>();
        expect(problems, s != null, "not all online 30 s after the restart");
        expect(problems, acts.isEmpty(), "the daemon acted: " + acts);
        expect(problems, starts == 0, starts + " service starts (markers)");
        expect(problems, before.equals(incarnations(r)), "guests changed: " + before + " -> " + incarnations(r));
        return Row.of("all adopted " + secs(t0, s == null ? null : Instant.parse(s.get("updated").asText()))
                + ", starts " + starts + ", actions " + acts.size(), problems);
    }

    /** Each guest's live incarnation now. */
    static Map<String, Incarnation> incarnations(FaultRun r) {
        Map<String, Incarnation> out = new LinkedHashMap<>();
        for (Guest g : r.guests) {
            Seen s = r.observer.live(g.node());
            out.put(g.node(), s == null ? null : s.incarnation());
        }
        return out;
    }

    static void expect(List<String> problems, boolean ok, String problem) {
        if (!ok) {
            problems.add(problem);
        }
    }
}
