package io.guestnode.operator.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.guestnode.agents.testing.Shell;
import io.guestnode.operator.faults.FaultLab.Guest;
import io.guestnode.operator.faults.Markers.Start;
import io.guestnode.operator.faults.ProcScan.Seen;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A lab with its guests (each running its marker service), the daemon and the observer, as the rows use them:
 * which guest a row hits next, when the daemon saw a loss, and whether a guest and its service came back in time.
 */
final class FaultRun implements AutoCloseable {
    final FaultLab lab;
    final DaemonView daemon;
    final Observer observer;
    final List<Guest> guests;
    /** How long after a guest's loss its service must run again (the soak allows for the crash-loop back-off). */
    java.time.Duration recoveryDeadline = java.time.Duration.ofSeconds(5);
    /** Seconds from each loss to the service running again, as the rows saw them. */
    final List<Double> recoveryTimes = new ArrayList<>();
    private String extraResources = "";
    private String extraConstraints = "";
    private int next;

    FaultRun(FaultLab lab, List<Guest> guests) {
        this.lab = lab;
        this.daemon = new DaemonView(lab);
        this.observer = new Observer(lab);
        this.guests = new ArrayList<>(guests);
    }

    /** Writes the definitions of every guest (plus any extra resources), starts the daemon, waits for all. */
    void start() throws Exception {
        writeDefinitions();
        lab.startDaemon();
        Instant deadline = Instant.now().plusSeconds(60 + 5L * guests.size());
        if (daemon.await(deadline, this::allUp) == null) {
            throw new IllegalStateException("the guests did not come up within " + Duration.between(Instant.now(),
                    deadline) + "; daemon log:\n" + lab.tail(40));
        }
    }

    void writeDefinitions() throws IOException {
        StringBuilder res = new StringBuilder();
        StringBuilder con = new StringBuilder();
        for (Guest g : guests) {
            res.append(FaultLab.vm(g, FaultLab.FAST_MONITOR)).append(FaultLab.marker(g.service()));
            con.append(FaultLab.pin(g.service(), g.node()));
        }
        lab.writeDefinitions(res + extraResources, con + extraConstraints);
    }

    /** Adds resources (and constraints) to the definitions and reloads; empty strings take them away again. */
    FaultLab.CliResult reloadWith(String resources, String constraints) throws IOException {
        extraResources = resources;
        extraConstraints = constraints;
        writeDefinitions();
        return lab.cli("reload");
    }

    boolean allUp(JsonNode s) {
        return guests.stream().allMatch(g -> DaemonView.online(s, g.node())
                && DaemonView.role(s, g.service()).equals("Started " + g.node()));
    }

    /** The guests in turn, so that one guest is not hit by row after row (its recovery would back off). */
    Guest nextGuest() {
        Guest g = guests.get(next % guests.size());
        next++;
        return g;
    }

    void replace(Guest old, Guest renamed) {
        guests.set(guests.indexOf(old), renamed);
    }

    /**
     * The guest's live incarnation as the observer sees it, waited for up to {@link #LIVE_WAIT_MS} (the previous row's
     * recovery may still be settling); fails naming what the observer and the daemon saw.
     */
    Seen live(Guest g) {
        Instant deadline = Instant.now().plusMillis(LIVE_WAIT_MS);
        while (true) {
            Seen s = observer.live(g.node());
            if (s != null) {
                return s;
            }
            if (Instant.now().isAfter(deadline)) {
                JsonNode st = daemon.status();
                String said = st == null ? "no answer" : "online " + DaemonView.online(st, g.node()) + ", "
                        + g.service() + " " + DaemonView.role(st, g.service());
                throw new IllegalStateException(g.node() + " is not running (observer: " + observer.describeCurrent()
                        + "; daemon: " + said + ")");
            }
            Observer.sleep(Observer.SAMPLE_MS);
        }
    }

    static final long LIVE_WAIT_MS = 10_000;

    long remotedPid(Guest g) {
        Seen s = live(g);
        if (s.remotedPid() < 0) {
            throw new IllegalStateException(g.node() + " has no pacemaker-remoted");
        }
        return s.remotedPid();
    }

    static void sh(String... cmd) throws IOException {
        Shell.check(cmd);
    }

    /** When the daemon's journal first showed the guest lost since {@code t0}; null if not within the timeout. */
    Instant detected(Guest g, Instant t0, long timeoutMs) {
        JsonNode s = daemon.await(t0.plusMillis(timeoutMs), x -> DaemonView.loss(x, t0, g.node()) != null);
        return s == null ? null : DaemonView.loss(s, t0, g.node()).at();
    }

    /**
     * Waits until the guest's service runs again (observer: an open start in a live incarnation)
     * by {@code deadline}; with {@code fresh}, only a start after {@code since} counts. The time the service was
     * running, or null.
     */
    Instant recovered(Guest g, Instant since, Instant deadline, boolean fresh) throws IOException {
        return recovered(g, since, deadline, fresh, null);
    }

    /** As {@link #recovered(Guest, Instant, Instant, boolean)}, counting only a start in {@code domain} if given. */
    Instant recovered(Guest g, Instant since, Instant deadline, boolean fresh, String domain) throws IOException {
        while (true) {
            Instant seen = observer.lastSample();
            Start s = observer.openAt(Markers.read(lab.markers), g.service(), seen);
            if (s != null && (!fresh || s.at().isAfter(since))
                    && (domain == null || s.incarnation().domain().equals(domain))) {
                return s.at().isAfter(since) ? s.at() : seen;
            }
            if (seen.isAfter(deadline)) {
                return null;
            }
            Observer.sleep(100);
        }
    }

    /** Waits until every guest is up again (the next row starts from a whole lab). */
    void awaitAllUp(long seconds) {
        daemon.await(Instant.now().plusSeconds(seconds), this::allUp);
    }

    static String secs(Instant from, Instant to) {
        return to == null ? "never" : String.format(Locale.ROOT, "%+.2fs", Observer.seconds(from, to));
    }

    @Override
    public void close() throws Exception {
        observer.close();
    }
}
