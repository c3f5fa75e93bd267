package io.guestnode.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Shared by the verbs that talk to the daemon: the socket option and the exit codes. */
abstract class DaemonVerb {
    /** The daemon is not running or cannot be reached. */
    static final int NOT_RUNNING = ExitCodes.UNAVAILABLE;

    @Spec
    CommandSpec spec;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "The daemon's control socket. Default: /run/guestnode/guestnode.sock.")
    Path socket = ControlClient.DEFAULT_SOCKET;

    /** The daemon's last answer to {@link #send}, or a missing node. */
    JsonNode lastReply = com.fasterxml.jackson.databind.node.MissingNode.getInstance();

    /** Sends {@code request}; prints the daemon's message or error; returns the exit code. */
    int send(Map<String, Object> request) {
        int rc = ask(request);
        if (rc == ExitCodes.OK) {
            spec.commandLine().getOut().println(lastReply.path("message").asText("done"));
        }
        return rc;
    }

    /** Sends {@code request}; its answer is in {@link #lastReply}; prints the daemon's error; returns the exit code. */
    int ask(Map<String, Object> request) {
        PrintWriter err = spec.commandLine().getErr();
        String name = "guestnode " + spec.name();
        try {
            JsonNode reply = ControlClient.request(socket, request);
            lastReply = reply;
            if (reply.path("ok").asBoolean(false)) {
                return ExitCodes.OK;
            }
            err.println(name + ": " + reply.path("error").asText("failed"));
            return refused(reply);
        } catch (ControlClient.NoPermission e) {
            err.println(name + ": " + e.getMessage());
            return ExitCodes.NO_PERMISSION;
        } catch (ControlClient.NotRunning e) {
            err.println(name + ": " + e.getMessage());
            return NOT_RUNNING;
        } catch (IOException e) {
            err.println(name + ": cannot talk to the daemon: " + e.getMessage());
            return NOT_RUNNING;
        }
    }

    /** The exit code of a refused request, by the kind the daemon named ({@code refusal}). */
    static int refused(JsonNode reply) {
        return switch (reply.path("refusal").asText("")) {
            case "no-such" -> ExitCodes.NO_SUCH;
            case "invalid-configuration" -> ExitCodes.CONFIG;
            default -> ExitCodes.PROBLEM;
        };
    }
}
