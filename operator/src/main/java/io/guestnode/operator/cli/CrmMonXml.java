package io.guestnode.operator.cli;

import io.guestnode.operator.api.ClusterView;
import io.guestnode.operator.api.StatusView;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code guestnode status --output-as xml}: the status in crm_mon's XML (Pacemaker's API schema
 * {@code api-result-2.25.rng}, as {@code crm_mon --output-as=xml} writes it), so that tools reading crm_mon read it.
 * Hypervisor hosts are cluster nodes ({@code type="member"}; the leader is the DC), guest nodes are remote nodes
 * ({@code type="remote"}, {@code id_as_resource} naming their VM resource). The schema admits no other attributes,
 * so what only guestnode knows (owners, epochs, claims) is in the text and JSON status.
 */
final class CrmMonXml {
    static final String API_VERSION = "2.25";

    private final StringBuilder out = new StringBuilder();
    private int depth;

    private CrmMonXml() {
    }

    static String of(StatusView v, String version) {
        CrmMonXml x = new CrmMonXml();
        x.open("pacemaker-result", attrs("api-version", API_VERSION, "request", "guestnode status --output-as=xml"));
        x.summary(v, version);
        x.nodes(v);
        x.resources(v);
        x.failures(v);
        x.empty("status", attrs("code", "0", "message", "OK"));
        x.close("pacemaker-result");
        return x.out.toString();
    }

    private void summary(StatusView v, String version) {
        ClusterView c = v.cluster();
        String dc = c == null ? v.host() : c.leader();
        open("summary", Map.of());
        empty("stack", attrs("type", "guestnode"));
        if (dc.isEmpty()) {
            empty("current_dc", attrs("present", "false"));
        } else {
            empty("current_dc", attrs("present", "true", "version", version, "name", dc, "id", dc, "with_quorum",
                    String.valueOf(c == null || c.fresh())));
        }
        empty("last_update", attrs("time", v.updated()));
        empty("last_change", attrs("time", v.updated(), "user", "", "client", "guestnode", "origin", v.host()));
        empty("nodes_configured", attrs("number", String.valueOf(hosts(v).size() + guests(v).size())));
        long disabled = v.resources().stream().filter(StatusView.ResourceView::disabled).count();
        empty("resources_configured", attrs("number", String.valueOf(v.resources().size()), "disabled",
                String.valueOf(disabled), "blocked", "0"));
        close("summary");
    }

    /** The hypervisor hosts: this one alone, or every member and every owner of a guest when one of several. */
    private static Set<String> hosts(StatusView v) {
        Set<String> out = new TreeSet<>(Set.of(v.host()));
        if (v.cluster() != null) {
            out.add(v.cluster().self());
            out.addAll(v.cluster().hosts());
            v.cluster().guests().stream().map(ClusterView.Owner::owner).filter(o -> !o.isEmpty()).forEach(out::add);
        }
        return out;
    }

    /** The guest nodes: this host's, then those other hosts own (as the cluster's records say). */
    private static Map<String, Boolean> guests(StatusView v) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        v.guests().forEach(g -> out.put(g.node(), g.online()));
        if (v.cluster() != null) {
            for (ClusterView.Owner o : v.cluster().guests()) {
                out.putIfAbsent(o.guest(), o.phase().equals("running") && !o.claim().isEmpty());
            }
        }
        return out;
    }

    private void nodes(StatusView v) {
        open("nodes", Map.of());
        ClusterView c = v.cluster();
        for (String h : hosts(v)) {
            boolean online = c == null || (c.hosts().contains(h) && (!h.equals(c.self()) || c.fresh()));
            boolean dc = c == null ? h.equals(v.host()) : h.equals(c.leader());
            long running = h.equals(v.host()) ? v.resources().stream().filter(r -> r.node().equals(h)).count()
                    : c.guests().stream().filter(o -> o.owner().equals(h) && o.phase().equals("running")).count();
            Map<String, String> a = node(h, online, false, false, running, dc, "member");
            if (c != null && c.standby().contains(h)) {
                a.put("standby", "true");
            }
            empty("node", a);
        }
        Map<String, Boolean> guests = guests(v);
        for (Map.Entry<String, Boolean> g : guests.entrySet()) {
            StatusView.GuestView own = v.guests().stream().filter(x -> x.node().equals(g.getKey())).findFirst()
                    .orElse(null);
            long running = v.resources().stream().filter(r -> r.node().equals(g.getKey())).count();
            Map<String, String> a = node(g.getKey(), g.getValue(), own != null && own.maintenance(),
                    own != null && own.unclean(), running, false, "remote");
            if (own != null) {
                a.put("id_as_resource", own.vm());
            }
            empty("node", a);
        }
        close("nodes");
    }

    private static Map<String, String> node(String name, boolean online, boolean maintenance, boolean unclean,
                                            long running, boolean dc, String type) {
        return attrs("name", name, "id", name, "online", String.valueOf(online), "standby", "false",
                "standby_onfail", "false", "maintenance", String.valueOf(maintenance), "pending", "false",
                "unclean", String.valueOf(unclean), "shutdown", "false", "expected_up", "true", "is_dc",
                String.valueOf(dc), "resources_running", String.valueOf(running), "type", type);
    }

    private void resources(StatusView v) {
        open("resources", Map.of());
        for (StatusView.ResourceView r : v.resources()) {
            // a service last seen active and not probed since ("Unknown" in a guest node) may be active there
            boolean active = r.role().equals("Started") || r.role().equals("FAILED") || r.role().equals("Stopping")
                    || (r.role().equals("Unknown") && !r.node().isEmpty());
            Map<String, String> a = attrs("id", r.id(), "resource_agent", r.agent(), "role", r.role());
            if (r.disabled()) {
                a.put("target_role", "Stopped");
            }
            a.putAll(attrs("active", String.valueOf(active), "orphaned", "false", "blocked", "false", "managed",
                    "true", "failed", String.valueOf(r.role().equals("FAILED")), "failure_ignored", "false",
                    "nodes_running_on", r.node().isEmpty() ? "0" : "1"));
            if (r.node().isEmpty()) {
                empty("resource", a);
            } else {
                open("resource", a);
                empty("node", attrs("name", r.node(), "id", r.node(), "cached", "true"));
                close("resource");
            }
        }
        close("resources");
    }

    private void failures(StatusView v) {
        if (v.failedActions().isEmpty()) {
            return;
        }
        open("failures", Map.of());
        for (StatusView.FailedAction f : v.failedActions()) {
            empty("failure", attrs("op_key", f.resource() + "_" + f.op() + "_" + f.intervalMs(), "node", f.node(),
                    "exitstatus", exitStatus(f.rc()), "exitreason", f.reason(), "exitcode",
                    String.valueOf(Math.max(0, f.rc())), "call", "-1", "status", f.status(), "last-rc-change",
                    f.last(), "queued", "0", "exec", "0", "interval", String.valueOf(f.intervalMs()), "task",
                    f.op()));
        }
        close("failures");
    }

    /** The OCF exit code's name, as crm_mon writes it. */
    static String exitStatus(int rc) {
        return switch (rc) {
            case 0 -> "ok";
            case 1 -> "error";
            case 2 -> "invalid parameter";
            case 3 -> "unimplemented feature";
            case 4 -> "insufficient privileges";
            case 5 -> "not installed";
            case 6 -> "not configured";
            case 7 -> "not running";
            case 8 -> "promoted";
            case 9 -> "promoted (failed)";
            case 190 -> "degraded";
            case 191 -> "degraded promoted";
            default -> "unknown";
        };
    }

    private static Map<String, String> attrs(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private void open(String name, Map<String, String> a) {
        tag(name, a, false);
        depth++;
    }

    private void empty(String name, Map<String, String> a) {
        tag(name, a, true);
    }

    private void close(String name) {
        depth--;
        out.append("  ".repeat(depth)).append("</").append(name).append(">\n");
    }

    private void tag(String name, Map<String, String> a, boolean empty) {
        out.append("  ".repeat(depth)).append('<').append(name);
        a.forEach((k, val) -> out.append(' ').append(k).append("=\"").append(escape(val)).append('"'));
        out.append(empty ? "/>\n" : ">\n");
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\n' -> b.append("&#10;");
                case '\t' -> b.append("&#9;");
                case '\r' -> b.append("&#13;");
                default -> b.append(ch < 0x20 ? '?' : ch);
            }
        }
        return b.toString();
    }
}
