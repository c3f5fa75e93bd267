package io.guestnode.operator.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the tests that drive the daemon as a process read from its status JSON, and the VM resource they declare; shared
 * by the end-to-end tests and the fault matrix.
 */
public final class StatusJson {
    /** Meta-attributes for a fast connection monitor: a poke every 1 s, unanswered after 2 s fails it. */
    public static final String FAST_MONITOR = "<nvpair name=\"connection-monitor-interval\" value=\"1s\"/>"
            + "<nvpair name=\"connection-monitor-timeout\" value=\"2s\"/>";

    private StatusJson() {
    }

    /** A VM resource (LXC, force_stop) making guest node {@code guest} at {@code addr}, with extra meta-attributes. */
    public static String vm(String guest, Path config, String addr, String extraMeta) {
        return """
                <primitive id="vm-%1$s" class="ocf" provider="heartbeat" type="VirtualDomain">
                  <instance_attributes id="vm-%1$s-ia">
                    <nvpair id="vm-%1$s-config" name="config" value="%2$s"/>
                    <nvpair id="vm-%1$s-hv" name="hypervisor" value="lxc:///"/>
                    <nvpair id="vm-%1$s-fs" name="force_stop" value="true"/>
                  </instance_attributes>
                  <meta_attributes id="vm-%1$s-meta">
                    <nvpair id="vm-%1$s-rn" name="remote-node" value="%1$s"/>
                    <nvpair id="vm-%1$s-ra" name="remote-addr" value="%3$s"/>
                    %4$s
                  </meta_attributes>
                </primitive>
                """.formatted(guest, config, addr, extraMeta);
    }

    public static boolean online(JsonNode s, String guest) {
        for (JsonNode g : s.get("guests")) {
            if (g.get("node").asText().equals(guest)) {
                return g.get("online").asBoolean();
            }
        }
        return false;
    }

    /** "Started guest1", "Stopped", ... or "absent". */
    public static String role(JsonNode s, String resource) {
        for (JsonNode r : s.get("resources")) {
            if (r.get("id").asText().equals(resource)) {
                return r.get("role").asText() + (r.get("node").asText().isEmpty() ? "" : " " + r.get("node").asText());
            }
        }
        return "absent";
    }

    /** The failed action of {@code resource} on {@code node}, or null. */
    public static JsonNode failure(JsonNode s, String resource, String node) {
        for (JsonNode f : s.get("failedActions")) {
            if (f.get("resource").asText().equals(resource) && f.get("node").asText().equals(node)) {
                return f;
            }
        }
        return null;
    }

    /** The journal's entries from {@code since} on. */
    public static List<String> journalSince(JsonNode s, Instant since) {
        List<String> out = new ArrayList<>();
        s.get("journal").forEach(j -> {
            if (!Instant.parse(j.get("at").asText()).isBefore(since)) {
                out.add(j.get("what").asText());
            }
        });
        return out;
    }
}
