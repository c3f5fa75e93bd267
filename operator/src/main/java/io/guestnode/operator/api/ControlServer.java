package io.guestnode.operator.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guestnode.operator.engine.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control socket: a Unix domain socket (mode 0660 from the moment it appears, group haclient when it exists) that
 * takes one JSON request line and answers one JSON line. The CLI talks to the daemon only through it. Who sent each
 * command (the peer's user and group, from the kernel) goes into the journal; a client that does not send its line
 * within {@link #READ_TIMEOUT} is dropped; a command the loop did not take within {@link #COMMAND_TIMEOUT} is not
 * carried out at all; a command is acknowledged only once its effect is saved.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    static final int MAX_REQUEST = 64 * 1024;
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    /** Shorter than the CLI's wait for an answer, so that a command is never carried out after its client gave up. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(25);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final ServerSocketChannel server;
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("control-deadlines").factory());
    private final Commands commands;

    public ControlServer(Path path, Engine engine, Supplier<Refusal> reload) throws IOException {
        this(path, engine, reload, () -> null);
    }

    /** With {@code cluster}: what this host last read of the cluster it is one of, for the status. */
    public ControlServer(Path path, Engine engine, Supplier<Refusal> reload, Supplier<ClusterView> cluster)
            throws IOException {
        this(path, engine, reload, cluster, ClusterVerbs.NONE);
    }

    /** With {@code placing}: the verbs that place guests on the cluster's hosts. */
    public ControlServer(Path path, Engine engine, Supplier<Refusal> reload, Supplier<ClusterView> cluster,
                         ClusterVerbs placing) throws IOException {
        this.path = path;
        this.commands = new Commands(engine, reload, COMMAND_TIMEOUT, cluster, placing);
        this.server = bindPrivately(path);
        Thread.ofVirtual().name("control-socket").start(this::accept);
    }

    /**
     * Binds in a private directory (0700) next to {@code path}, sets the socket's mode and group there, then renames
     * it into place: nobody can connect before the mode is in force.
     */
    private static ServerSocketChannel bindPrivately(Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path scratch = Files.createTempDirectory(parent, ".guestnode-sock-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path tmp = scratch.resolve("s");
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            s.bind(UnixDomainSocketAddress.of(tmp));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-rw----"));
            try {
                GroupPrincipal g = tmp.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByGroupName("haclient");
                Files.getFileAttributeView(tmp, PosixFileAttributeView.class).setGroup(g);
            } catch (IOException e) {
                LOG.debug("no haclient group; {} stays root-only", path);
            }
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            s.close();
            throw e;
        } finally {
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(scratch);
        }
        return s;
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
        ScheduledFuture<?> cut = deadlines.schedule(() -> closeQuietly(c), READ_TIMEOUT.toMillis(),
                TimeUnit.MILLISECONDS);
        try (c; OutputStream out = Channels.newOutputStream(c)) {
            String who = peer(c);
            String line;
            try {
                line = readLine(Channels.newInputStream(c));
            } finally {
                cut.cancel(false);
            }
            ObjectNode reply = JSON.createObjectNode();
            try {
                commands.handle(ControlRequest.parse(line, JSON), who, reply);
            } catch (ControlRequest.BadRequest e) {
                reply.put("ok", false).put("error", "bad request: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reply.put("ok", false).put("error", "interrupted");
            } catch (RuntimeException e) {
                LOG.warn("control request failed: {}", e.toString());
                reply.put("ok", false).put("error", String.valueOf(e.getMessage()));
            }
            out.write((JSON.writeValueAsString(reply) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.debug("control connection: {}", e.toString());
        }
    }

    /** The peer's user and group as the kernel reports them (SO_PEERCRED). */
    static String peer(SocketChannel c) {
        try {
            UnixDomainPrincipal p = c.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return p.user().getName() + ":" + p.group().getName();
        } catch (IOException | UnsupportedOperationException e) {
            return "an unknown peer";
        }
    }

    /** One line of at most {@link #MAX_REQUEST} bytes, UTF-8, without its newline. */
    static String readLine(InputStream in) throws IOException {
        byte[] buf = new byte[MAX_REQUEST];
        int n = 0;
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (n == MAX_REQUEST) {
                throw new IOException("request longer than " + MAX_REQUEST + " bytes");
            }
            buf[n++] = (byte) b;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closed already
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
        deadlines.shutdownNow();
    }
}
