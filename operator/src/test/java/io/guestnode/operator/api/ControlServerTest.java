package io.guestnode.operator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.engine.Engine;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control socket against a real engine: who sent a command, deadlines, the socket's mode, bad requests. */
class ControlServerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    EngineOnSocket at;
    Engine engine;
    Path socket;

    @BeforeEach
    void start() throws IOException {
        at = new EngineOnSocket(dir, Definitions.empty("host1"));
        engine = at.engine;
        socket = at.socket;
    }

    @AfterEach
    void stop() {
        at.close();
    }

    JsonNode request(String line) throws IOException {
        return request(socket, line);
    }

    /** One request on the control socket at {@code socket}, and its reply. */
    static JsonNode request(Path socket, String line) throws IOException {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            c.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            return JSON.readTree(Channels.newInputStream(c).readAllBytes());
        }
    }

    @Test
    void theSocketHasItsModeAndNothingIsLeftBehind() throws IOException {
        assertEquals(PosixFilePermissions.fromString("rw-rw----"), Files.getPosixFilePermissions(socket));
        try (var s = Files.list(socket.getParent())) {
            assertEquals(List.of(socket), s.toList(), "the private directory it was bound in is gone");
        }
    }

    @Test
    void theJournalNamesWhoSentACommand() throws Exception {
        JsonNode r = request("{\"verb\":\"maintenance\",\"on\":true}");
        assertTrue(r.get("ok").asBoolean(), r.toString());
        String user = System.getProperty("user.name");
        assertTrue(engine.snapshot().journal().stream().anyMatch(e -> e.what().equals("maintenance on (host) by "
                + user + ":" + user) || e.what().startsWith("maintenance on (host) by " + user + ":")),
                engine.snapshot().journal().toString());
        assertTrue(engine.snapshot().overrides().hostMaintenance());
    }

    @Test
    void aClientThatSendsNothingIsDropped() throws Exception {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            long t0 = System.nanoTime();
            int n = Channels.newInputStream(c).read();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(-1, n, "closed without an answer");
            assertTrue(ms >= ControlServer.READ_TIMEOUT.toMillis() - 100 && ms < ControlServer.READ_TIMEOUT.toMillis()
                    + 3000, "dropped after the read timeout, not at once nor never: " + ms + " ms");
        }
    }

    @Test
    void badRequestsNameWhatIsWrongAndChangeNothing() throws Exception {
        assertEquals("bad request: field 'resource' is missing",
                request("{\"verb\":\"disable\"}").get("error").asText());
        assertEquals("bad request: field 'on' must be true or false",
                request("{\"verb\":\"maintenance\",\"on\":\"yes\"}").get("error").asText());
        assertTrue(request("{\"verb\":").get("error").asText().startsWith("bad request: not JSON"));
        assertEquals("bad request: unknown verb 'explode'", request("{\"verb\":\"explode\"}").get("error").asText());
        assertEquals("bad request: a request is a JSON object", request("[1,2]").get("error").asText());
        assertFalse(engine.snapshot().overrides().hostMaintenance());
    }

    @Test
    void requestsParseIntoTypes() throws Exception {
        ObjectMapper j = new ObjectMapper();
        assertInstanceOf(ControlRequest.Reload.class, ControlRequest.parse("{\"verb\":\"reload\"}", j));
        assertEquals(new ControlRequest.Status(30), ControlRequest.parse("{\"verb\":\"status\",\"journal\":30}", j));
        assertThrows(ControlRequest.BadRequest.class,
                () -> ControlRequest.parse("{\"verb\":\"fence\",\"guest\":\"a\\nb\"}", j));
        assertThrows(ControlRequest.BadRequest.class,
                () -> ControlRequest.parse("{\"verb\":\"status\",\"journal\":-1}", j));
    }
}
