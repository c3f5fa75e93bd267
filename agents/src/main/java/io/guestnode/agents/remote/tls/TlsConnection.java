package io.guestnode.agents.remote.tls;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import org.bouncycastle.tls.TlsClientProtocol;

/**
 * An established TLS-PSK connection: the decrypted streams plus what the handshake negotiated and how
 * long each step took.
 */
public final class TlsConnection implements Closeable {
    private final Socket socket;
    private final TlsClientProtocol protocol;
    private final TlsInfo info;
    private final long connectNanos;
    private final long handshakeNanos;

    TlsConnection(Socket socket, TlsClientProtocol protocol, TlsInfo info, long connectNanos, long handshakeNanos) {
        this.socket = socket;
        this.protocol = protocol;
        this.info = info;
        this.connectNanos = connectNanos;
        this.handshakeNanos = handshakeNanos;
    }

    public InputStream input() {
        return protocol.getInputStream();
    }

    public OutputStream output() {
        return protocol.getOutputStream();
    }

    public TlsInfo info() {
        return info;
    }

    public long connectNanos() {
        return connectNanos;
    }

    public long handshakeNanos() {
        return handshakeNanos;
    }

    public String remote() {
        return String.valueOf(socket.getRemoteSocketAddress());
    }

    /**
     * Sends close_notify, then closes the socket, whatever state the TLS layer is in. A writer stuck on a
     * peer that does not read holds the TLS write lock, so the goodbye gets a short grace period only.
     */
    @Override
    public void close() {
        Thread goodbye = Thread.ofVirtual().start(() -> {
            try {
                protocol.close();
            } catch (IOException | RuntimeException ignored) {
                // the socket is closed below either way
            }
        });
        try {
            goodbye.join(CLOSE_GRACE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        abort();
    }

    private static final long CLOSE_GRACE_MS = 200;

    /** Closes the socket without a TLS goodbye; unblocks a reader or a writer stuck in a call. */
    public void abort() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
