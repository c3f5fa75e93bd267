package io.guestnode.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Sends one request to the daemon's control socket and reads its one-line answer. */
final class ControlClient {
    static final Path DEFAULT_SOCKET = Path.of("/run/guestnode/guestnode.sock");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REPLY = 16 * 1024 * 1024;
    private static final long REPLY_TIMEOUT_MS = 40_000;

    /** The daemon cannot be reached; the message says why and what to do. */
    static class NotRunning extends Exception {
        NotRunning(String message) {
            super(message);
        }
    }

    /** The control socket refuses this user (its mode and group: root and haclient). */
    static final class NoPermission extends NotRunning {
        NoPermission(String message) {
            super(message);
        }
    }

    static JsonNode request(Path socket, Map<String, Object> request) throws NotRunning, IOException {
        if (!Files.exists(socket)) {
            throw new NotRunning("guestnode is not running (no control socket at " + socket
                    + "); start it with 'guestnode run'");
        }
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                c.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).contains("Permission denied")) {
                    throw new NoPermission("permission denied on the control socket " + socket + " (root and the "
                            + "haclient group may use it)");
                }
                throw new NotRunning("guestnode is not running (" + socket + ": " + e.getMessage() + ")");
            }
            c.write(ByteBuffer.wrap((JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8)));
            InputStream in = Channels.newInputStream(c);
            // the daemon answers within its command timeout (25 s) plus a durable save; past this, give up
            Thread watchdog = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(REPLY_TIMEOUT_MS);
                    c.close();
                } catch (InterruptedException | IOException ignored) {
                    // answered in time
                }
            });
            byte[] reply;
            try {
                reply = in.readNBytes(MAX_REPLY);
            } catch (IOException e) {
                if (!c.isOpen()) {
                    throw new IOException("no answer from guestnode within " + REPLY_TIMEOUT_MS / 1000 + " s");
                }
                throw e;
            } finally {
                watchdog.interrupt();
            }
            if (reply.length == 0) {
                throw new IOException("guestnode closed the connection without an answer");
            }
            return JSON.readTree(new String(reply, StandardCharsets.UTF_8));
        }
    }
}
