package io.guestnode.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guestnode.operator.api.StatusView;
import io.guestnode.operator.definitions.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code guestnode status}: one shot, in the shape of crm_mon. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows guest nodes, resources and failed actions once, in the shape of crm_mon.")
final class StatusCommand extends DaemonVerb implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Format { text, xml, json, html }

    @Option(names = "--output-as", defaultValue = "text", paramLabel = "FORMAT",
            description = "text, xml (crm_mon's), json or html (crm_mon's). Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--journal", defaultValue = "0", paramLabel = "N", description = "Also show the last N journal lines.")
    int journal;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        JsonNode reply;
        try {
            reply = ControlClient.request(socket, Map.of("verb", "status", "journal", Math.max(journal, 20)));
        } catch (ControlClient.NotRunning e) {
            err.println("guestnode status: " + e.getMessage());
            return e instanceof ControlClient.NoPermission ? ExitCodes.NO_PERMISSION : NOT_RUNNING;
        } catch (IOException e) {
            err.println("guestnode status: cannot talk to the daemon: " + e.getMessage());
            return NOT_RUNNING;
        }
        if (!reply.path("ok").asBoolean(false)) {
            err.println("guestnode status: " + reply.path("error").asText());
            return ExitCodes.PROBLEM;
        }
        StatusView v;
        try {
            v = JSON.treeToValue(reply.get("status"), StatusView.class);
            switch (format) {
                case json -> out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(v));
                case xml -> out.print(CrmMonXml.of(v, new VersionProvider().getVersion()[0]));
                case text -> out.print(text(v, journal));
                case html -> out.print(CrmMonHtml.of(v, new VersionProvider().getVersion()[0], 0));
            }
        } catch (IOException e) {
            err.println("guestnode status: unreadable answer from the daemon: " + e.getMessage());
            return ExitCodes.INTERNAL;
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** Which host owns each guest, as this host last read it from ZooKeeper. */
    static void cluster(StringBuilder sb, io.guestnode.operator.api.ClusterView c) {
        sb.append("\nGuest Owners (read ").append(c.read()).append(" by ").append(c.self()).append(", lease ")
                .append(c.fresh() ? "fresh" : "NOT FRESH: this host runs nothing").append("):\n");
        sb.append("  * definitions: digest ").append(c.digest()).append(c.differ().isEmpty() ? ", the same on every host"
                : "; differ on " + String.join(" ", c.differ()) + " (they take no new guest)").append('\n');
        for (io.guestnode.operator.api.ClusterView.Owner o : c.guests()) {
            sb.append("  * ").append(o.guest()).append(": ").append(o.owner().isEmpty() ? "nobody" : o.owner())
                    .append(" (epoch ").append(o.epoch()).append(", ").append(o.phaseText()).append(", claim ")
                    .append(o.claim().isEmpty() ? "none" : "held by " + o.claim()).append(")\n");
        }
    }

    static String text(StatusView v, int journalLines) {
        StringBuilder sb = new StringBuilder();
        sb.append("Cluster Summary:\n");
        sb.append("  * Stack: guestnode (no corosync)\n");
        sb.append("  * Current DC: ").append(v.cluster() != null && !v.cluster().leader().isEmpty()
                ? v.cluster().leader() : v.host()).append(" (guestnode)\n");
        sb.append("  * Last updated: ").append(v.updated()).append('\n');
        sb.append("  * ").append(v.guests().size()).append(" guest node").append(v.guests().size() == 1 ? "" : "s")
                .append(" configured\n");
        sb.append("  * ").append(v.resources().size()).append(" resource instances configured\n\n");
        sb.append("Node List:\n");
        List<String> standby = v.cluster() != null ? v.cluster().standby() : List.of();
        for (String h : standby) {
            sb.append("  * Node ").append(h).append(": standby\n");
        }
        sb.append("  * Online: [ ").append(v.cluster() != null ? String.join(" ", v.cluster().hosts().stream()
                .filter(h -> !standby.contains(h)).toList()) : v.host()).append(" ]\n");
        List<String> online = new ArrayList<>();
        for (StatusView.GuestView g : v.guests()) {
            if (g.online()) {
                online.add(g.node() + "@" + v.host());
            }
        }
        if (!online.isEmpty()) {
            sb.append("  * GuestOnline: [ ").append(String.join(" ", online)).append(" ]\n");
        }
        for (StatusView.GuestView g : v.guests()) {
            if (g.maintenance()) {
                sb.append("  * Node ").append(g.node()).append(": maintenance\n");
            } else if (g.unclean()) {
                sb.append("  * Node ").append(g.node()).append(": UNCLEAN (offline)\n");
            }
        }
        if (v.cluster() != null) {
            cluster(sb, v.cluster());
        }
        sb.append("\nFull List of Resources:\n");
        for (StatusView.ResourceView r : v.resources()) {
            sb.append("  * ").append(r.id()).append("\t(").append(r.agent()).append("):\t ").append(r.role());
            if (!r.node().isEmpty()) {
                sb.append(' ').append(r.node());
            }
            if (r.disabled()) {
                sb.append(" (disabled)");
            }
            sb.append('\n');
        }
        if (!v.failedActions().isEmpty()) {
            sb.append("\nFailed Resource Actions:\n");
            for (StatusView.FailedAction f : v.failedActions()) {
                String what = (f.intervalMs() > 0 ? Durations.format(Duration.ofMillis(f.intervalMs())) + "-interval " : "")
                        + f.op();
                sb.append("  * ").append(f.resource()).append(' ').append(what).append(" on ").append(f.node());
                if ("complete".equals(f.status())) {
                    sb.append(" returned '").append(rcText(f.rc())).append("'");
                    if (!f.reason().isEmpty()) {
                        sb.append(" (").append(f.reason()).append(')');
                    }
                } else {
                    sb.append(" could not be executed (").append(f.status()).append(") because '").append(f.reason())
                            .append("'");
                }
                sb.append(" at ").append(f.last());
                sb.append(" (fail count ").append(f.count() >= 1_000_000 ? "INFINITY" : Long.toString(f.count()))
                        .append(")\n");
            }
        }
        if (v.placements() != null && !v.placements().isEmpty()) {
            sb.append("\nMoves and Bans (guestnode clear RESOURCE):\n");
            v.placements().forEach(m -> sb.append("  * ").append(m.id()).append(": ").append(m.resource())
                    .append(m.score().startsWith("-") ? " banned from " : " prefers ").append(m.node())
                    .append(m.until().isEmpty() ? "" : (m.expired() ? " (expired " : " (until ") + m.until() + ")")
                    .append('\n'));
        }
        if (!v.notes().isEmpty()) {
            sb.append("\nNotes:\n");
            v.notes().forEach((k, n) -> sb.append("  * ").append(k).append(": ").append(n).append('\n'));
        }
        if (journalLines > 0 && !v.journal().isEmpty()) {
            sb.append("\nJournal:\n");
            List<StatusView.JournalLine> j = v.journal();
            for (StatusView.JournalLine l : j.subList(Math.max(0, j.size() - journalLines), j.size())) {
                sb.append("  ").append(l.at()).append("  ").append(l.what()).append('\n');
            }
        }
        return sb.toString();
    }

    static String rcText(int rc) {
        return io.guestnode.agents.remote.message.OcfExit.describe(rc);
    }
}
