package io.guestnode.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Map;

/**
 * {@code restart}, as crm_resource --restart does it: disable, wait until stopped, enable, and with {@code --wait}
 * wait until it runs again. A resource disabled before is refused (a restart would enable it).
 */
final class RestartSteps {
    private RestartSteps() {
    }

    static int run(WaitingVerb verb, String resource) {
        JsonNode status;
        try {
            status = ControlClient.request(verb.socket, Map.of("verb", "status", "journal", 0)).path("status");
        } catch (ControlClient.NotRunning e) {
            verb.spec.commandLine().getErr().println("guestnode restart: " + e.getMessage());
            return e instanceof ControlClient.NoPermission ? ExitCodes.NO_PERMISSION : DaemonVerb.NOT_RUNNING;
        } catch (IOException e) {
            verb.spec.commandLine().getErr().println("guestnode restart: cannot talk to the daemon: "
                    + e.getMessage());
            return DaemonVerb.NOT_RUNNING;
        }
        for (JsonNode r : status.path("resources")) {
            if (r.path("id").asText().equals(WaitingVerb.vmOf(status, resource)) && r.path("disabled").asBoolean()) {
                verb.spec.commandLine().getErr().println("guestnode restart: " + resource + " is disabled; "
                        + "'guestnode enable " + resource + "' starts it");
                return ExitCodes.PROBLEM;
            }
        }
        java.time.Duration asked = verb.wait;
        int rc = verb.sendAndWait(Map.of("verb", "disable", "resource", resource), "stop " + resource, s ->
                WaitingVerb.role(s, WaitingVerb.vmOf(s, resource)).equals("Stopped"));
        if (rc == ExitCodes.OK && asked == null) {
            rc = verb.await("stop " + resource, s -> WaitingVerb.role(s, WaitingVerb.vmOf(s, resource))
                    .equals("Stopped"));
        }
        if (rc != ExitCodes.OK) {
            return rc;
        }
        return verb.sendAndWait(Map.of("verb", "enable", "resource", resource), "start " + resource,
                s -> SmallVerbs.started(s, resource));
    }
}
