package io.guestnode.operator.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.guestnode.agents.coordination.GuestRecord;
import io.guestnode.agents.coordination.Timing;
import io.guestnode.agents.coordination.ZkCoordination;
import io.guestnode.operator.cli.GuestnodeCli;
import io.guestnode.operator.e2e.StatusJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code bin/demo --hosts 3}: three lab hosts running guestnode on their ZooKeeper ensemble (default timing), three
 * guest nodes with a Dummy each; powers off the host of lg1 and prints the timeline from the power-off (its claim
 * gone, the recovery decided, the VM started on another host, online, the Dummy running), then what the observer saw.
 */
public final class MultiHostDemo {
    private MultiHostDemo() {
    }

    public static void main(String[] args) throws Exception {
        try {
            System.out.println("== three lab hosts (bin/lab), each with libvirtd, a ZooKeeper server and guestnode;"
                    + " three guest nodes with a Dummy each");
            MultiHostIT.up();
            Map<String, JsonNode> s = MultiHostIT.await("every guest online with its Dummy", 240_000,
                    MultiHostIT.CLUSTER.everyGuestUp());
            String host = MultiHostIT.runningOn(s, "lg1").get(0);
            System.out.print(statusText("h1"));
            System.out.println("== powering off " + host + ", which runs lg1");
            timeline(host);
            List<String> overlaps = MultiHostIT.watcher.overlaps;
            System.out.println("overlap: " + (overlaps.isEmpty() ? "none" : String.join("; ", overlaps)));
        } finally {
            MultiHostIT.down();
            System.out.println("demo: the lab is down");
        }
    }

    private static String statusText(String h) {
        StringWriter out = new StringWriter();
        GuestnodeCli.run(new String[] {"status", "--socket", MultiHostIT.SHARED.resolve(h).resolve("gn.sock")
            .toString()}, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        return out.toString();
    }

    private static void timeline(String host) throws Exception {
        int lives = MultiHostIT.watcher.livesOf("lg1").size();
        Instant t0 = Instant.now();
        if (MultiHostIT.lab("power-off", host).exitCode() != 0) {
            throw new IllegalStateException("power-off of " + host + " failed");
        }
        String[] steps = {"claim of lg1 gone (its session expired)", "recovery decided", "VM started",
            "lg1 online", "dummy-lg1 running"};
        Instant[] at = new Instant[steps.length];
        String where = "";
        try (ZkCoordination reader = new ZkCoordination(MultiHostIT.ZK, "/guestnode/mh", "demo", Timing.DEFAULT)) {
            while (at[4] == null && Duration.between(t0, Instant.now()).toSeconds() < 90) {
                Instant now = Instant.now();
                if (at[0] == null && reader.claimHolder("lg1").isEmpty()) {
                    at[0] = now;
                }
                Optional<GuestRecord> r = reader.guest("lg1").map(v -> v.value());
                if (at[1] == null && r.isPresent() && !r.get().owner().equals(Optional.of(host))) {
                    at[1] = now;
                    where = r.get().owner().orElse("?");
                }
                if (at[2] == null && MultiHostIT.watcher.livesOf("lg1").size() > lives) {
                    at[2] = MultiHostIT.watcher.livesOf("lg1").get(lives)[0];
                }
                Map<String, JsonNode> s = MultiHostIT.statuses();
                if (at[3] == null && s.values().stream().anyMatch(x -> StatusJson.online(x, "lg1"))) {
                    at[3] = now;
                }
                if (!MultiHostIT.runningOn(s, "lg1").isEmpty()) {
                    at[4] = now;
                }
                Thread.sleep(100);
            }
        }
        System.out.println("from the power-off:");
        for (int i = 0; i < steps.length; i++) {
            System.out.printf(Locale.ROOT, "  %-42s %s%s%n", steps[i], at[i] == null ? "not within 90 s"
                    : String.format(Locale.ROOT, "%6.1f s", Duration.between(t0, at[i]).toMillis() / 1000.0),
                    i == 1 && at[i] != null ? "  (to " + where + ")" : "");
        }
    }
}
