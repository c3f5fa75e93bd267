package io.guestnode.operator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.engine.Engine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control socket: a Unix domain socket (mode 0660, group haclient when it exists) that takes one JSON
 * request line and answers one JSON line. The CLI talks to the daemon only through it.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    static final int MAX_REQUEST = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final ServerSocketChannel server;
    private final Engine engine;
    private final Supplier<String> reload;

    public ControlServer(Path path, Engine engine, Supplier<String> reload) throws IOException {
        this.path = path;
        this.engine = engine;
        this.reload = reload;
        Files.createDirectories(path.getParent());
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
        try {
            GroupPrincipal g = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("haclient");
            Files.getFileAttributeView(path, PosixFileAttributeView.class).setGroup(g);
        } catch (IOException e) {
            LOG.debug("no haclient group; {} stays root-only", path);
        }
        Thread.ofVirtual().name("control-socket").start(this::accept);
    }

    private void accept() {
        while (server.isOpen()) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (IOException e) {
                return;
            }
            Thread.ofVirtual().start(() -> serve(c));
        }
    }

    private void serve(SocketChannel c) {
        try (c; OutputStream out = Channels.newOutputStream(c)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8));
            String line = readBounded(in);
            ObjectNode reply = JSON.createObjectNode();
            try {
                JsonNode req = JSON.readTree(line);
                handle(req, reply);
            } catch (IOException | RuntimeException e) {
                reply.put("ok", false).put("error", "bad request: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reply.put("ok", false).put("error", "interrupted");
            }
            out.write((JSON.writeValueAsString(reply) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.debug("control connection: {}", e.toString());
        }
    }

    private static String readBounded(BufferedReader in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int ch;
        while ((ch = in.read()) >= 0 && ch != '\n') {
            if (sb.length() >= MAX_REQUEST) {
                throw new IOException("request longer than " + MAX_REQUEST + " bytes");
            }
            sb.append((char) ch);
        }
        return sb.toString();
    }

    private void handle(JsonNode req, ObjectNode reply) throws InterruptedException {
        String verb = req.path("verb").asText("");
        String resource = req.path("resource").asText("");
        Optional<String> node = req.hasNonNull("node") ? Optional.of(req.get("node").asText()) : Optional.empty();
        switch (verb) {
            case "status" -> {
                Engine.Snapshot s = engine.snapshot();
                if (s == null) {
                    reply.put("ok", false).put("error", "guestnode is still starting");
                    return;
                }
                reply.put("ok", true).set("status", JSON.valueToTree(StatusView.of(s, req.path("journal").asInt(20))));
            }
            case "cleanup" -> {
                String msg = engine.call(e -> {
                    if (!known(e, resource)) {
                        return "unknown resource '" + resource + "'";
                    }
                    e.cleanup(resource, node);
                    return null;
                });
                result(reply, msg, "cleaned up " + resource + node.map(n -> " on " + n).orElse(""));
            }
            case "disable", "enable" -> {
                TargetRole role = verb.equals("disable") ? TargetRole.STOPPED : TargetRole.STARTED;
                String msg = engine.call(e -> {
                    if (!known(e, resource)) {
                        return "unknown resource '" + resource + "'";
                    }
                    e.setOverrides(e.overrides().withTargetRole(resource, role), verb + " " + resource);
                    return null;
                });
                result(reply, msg, verb + "d " + resource);
            }
            case "fence" -> {
                String guest = req.path("guest").asText("");
                String msg = engine.call(e -> {
                    if (e.definitions().vmOfNode(guest).isEmpty()) {
                        return "unknown guest node '" + guest + "'";
                    }
                    e.fence(guest);
                    return null;
                });
                result(reply, msg, "fencing " + guest + " (stopping its VM)");
            }
            case "maintenance" -> {
                boolean on = req.path("on").asBoolean(false);
                String guest = req.path("guest").asText("");
                String msg = engine.call(e -> {
                    if (!guest.isEmpty() && e.definitions().vmOfNode(guest).isEmpty()) {
                        return "unknown guest node '" + guest + "'";
                    }
                    e.setOverrides(guest.isEmpty() ? e.overrides().withHostMaintenance(on)
                            : e.overrides().withMaintenance(guest, on),
                            "maintenance " + (on ? "on" : "off") + (guest.isEmpty() ? " (host)" : " for " + guest));
                    return null;
                });
                result(reply, msg, "maintenance " + (on ? "on" : "off") + (guest.isEmpty() ? "" : " for " + guest));
            }
            case "reload" -> {
                String msg = reload.get();
                result(reply, msg, "definitions reloaded");
            }
            default -> reply.put("ok", false).put("error", "unknown verb '" + verb + "'");
        }
    }

    private static boolean known(Engine e, String id) {
        return e.definitions().resourceIds().anyMatch(id::equals) || e.definitions().vmOfNode(id).isPresent();
    }

    private static void result(ObjectNode reply, String error, String message) {
        if (error == null) {
            reply.put("ok", true).put("message", message);
        } else {
            reply.put("ok", false).put("error", error);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
