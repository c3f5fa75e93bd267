package io.guestnode.agents.remote.tls;

import io.guestnode.agents.remote.ConnectFailure;
import io.guestnode.agents.remote.ConnectFailure.Kind;
import io.guestnode.agents.remote.Endpoint;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.net.ExtendedSocketOptions;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Opens TCP plus TLS-PSK to pacemaker-remoted with a deadline on each step, and turns every failure into a
 * {@link ConnectFailure} of the right kind. Socket options follow the protocol reference: TCP_NODELAY,
 * keepalive with short timers, and TCP_QUICKACK re-armed around reads.
 */
public final class TlsTransport {
    /** Bytes read from the socket at once: a TLS record is at most 16 KiB of payload and a little more. */
    static final int READ_BUFFER = 16 * 1024 + 512;
    private final BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
    private final ScheduledExecutorService timer;

    public TlsTransport(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Most TCP connects one {@link #open} keeps under way at once when it resends SYNs. */
    static final int MOST_CONNECTS = 20;

    public TlsConnection open(Endpoint endpoint, AuthKey key, Duration connectTimeout, Duration handshakeTimeout,
                              boolean quickAck, int minDhBits) throws ConnectFailure {
        return open(endpoint, key, connectTimeout, Duration.ZERO, handshakeTimeout, quickAck, minDhBits);
    }

    /** As {@link #open(Endpoint, AuthKey, Duration, Duration, boolean, int)}, resending the SYN every {@code synResend}. */
    public TlsConnection open(Endpoint endpoint, AuthKey key, Duration connectTimeout, Duration synResend,
                              Duration handshakeTimeout, boolean quickAck, int minDhBits) throws ConnectFailure {
        long t0 = System.nanoTime();
        InetSocketAddress address = new InetSocketAddress(endpoint.host(), endpoint.port());
        if (address.isUnresolved()) {
            throw new ConnectFailure(Kind.UNREACHABLE, endpoint + ": host name " + endpoint.host() + " does not resolve");
        }
        Socket socket;
        try {
            socket = tcpConnect(address, connectTimeout, synResend);
        } catch (IOException e) {
            throw classifyConnect(endpoint, connectTimeout, e);
        }
        long t1 = System.nanoTime();

        PskTlsClient client = new PskTlsClient(crypto, key.secretCopy(), minDhBits);
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> watchdog = timer.schedule(() -> {
            expired.set(true);
            closeQuietly(socket);
        }, handshakeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        TlsClientProtocol protocol;
        try {
            socket.setSoTimeout(millis(handshakeTimeout));
            protocol = new TlsClientProtocol(input(socket, quickAck), socket.getOutputStream());
            protocol.connect(client);
            socket.setSoTimeout(0);
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw classifyHandshake(endpoint, handshakeTimeout, client, expired.get(), e);
        } finally {
            watchdog.cancel(false);
        }
        if (expired.get()) {
            closeQuietly(socket);
            throw new ConnectFailure(Kind.TIMEOUT, endpoint + ": TLS handshake did not complete within "
                    + handshakeTimeout.toMillis() + " ms");
        }
        long t2 = System.nanoTime();
        return new TlsConnection(socket, protocol, client.negotiated(), t1 - t0, t2 - t1);
    }

    /**
     * What the TLS layer reads from: the socket's bytes through a buffer, so that a record's header and body (the
     * TLS layer asks for them apart) and the two records of one pacemaker-remoted message cost one read of the socket
     * when they arrived together; TCP_QUICKACK is re-armed around each read of the socket itself.
     */
    static InputStream input(Socket socket, boolean quickAck) throws IOException {
        InputStream raw = socket.getInputStream();
        InputStream acked = quickAck && QuickAckInputStream.available(socket) ? new QuickAckInputStream(raw, socket) : raw;
        return new BufferedInputStream(acked, READ_BUFFER);
    }

    private static Socket tcpConnect(InetSocketAddress address, Duration timeout, Duration synResend)
            throws IOException {
        if (!synResend.isZero() && synResend.compareTo(timeout) < 0) {
            int most = (int) Math.clamp(timeout.toNanos() / synResend.toNanos(), 1, MOST_CONNECTS);
            return SynResend.connect(address, timeout, synResend, most, TlsTransport::configure);
        }
        Socket socket = new Socket();
        try {
            configure(socket);
            socket.connect(address, millis(timeout));
            return socket;
        } catch (IOException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    private static void configure(Socket s) throws IOException {
        s.setTcpNoDelay(true);
        s.setKeepAlive(true);
        var supported = s.supportedOptions();
        if (supported.contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
            s.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, 10);
            s.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, 5);
            s.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, 3);
        }
    }

    static ConnectFailure classifyConnect(Endpoint ep, Duration timeout, IOException e) {
        String msg = String.valueOf(e.getMessage());
        if (e instanceof SocketTimeoutException) {
            return new ConnectFailure(Kind.TIMEOUT, ep + ": TCP connect did not complete within "
                    + timeout.toMillis() + " ms", e);
        }
        if (e instanceof NoRouteToHostException) {
            return new ConnectFailure(Kind.UNREACHABLE, ep + ": no route to host", e);
        }
        if (e instanceof ConnectException && msg.toLowerCase().contains("refused")) {
            return new ConnectFailure(Kind.REFUSED, ep + ": nothing listens on the port (connection refused)", e);
        }
        return new ConnectFailure(Kind.UNREACHABLE, ep + ": " + msg, e);
    }

    static ConnectFailure classifyHandshake(Endpoint ep, Duration timeout, PskTlsClient client, boolean expired,
                                            Throwable e) {
        if (expired || e instanceof SocketTimeoutException) {
            return new ConnectFailure(Kind.TIMEOUT, ep + ": TLS handshake did not complete within "
                    + timeout.toMillis() + " ms", e);
        }
        String rejected = ep + ": the remote ended the TLS-PSK handshake; it does not accept this key "
                + "(wrong key, or no key in the guest)";
        if (e instanceof TlsFatalAlertReceived received) {
            return new ConnectFailure(Kind.KEY_REJECTED, rejected + " [alert "
                    + AlertDescription.getText(received.getAlertDescription()) + "]", e);
        }
        if (e instanceof TlsFatalAlert alert) {
            short ours = alert.getAlertDescription();
            if (client.alertReceived() >= 0) {
                return new ConnectFailure(Kind.KEY_REJECTED, rejected, e);
            }
            return new ConnectFailure(Kind.NOT_A_REMOTED, ep + ": the peer does not speak TLS-PSK as "
                    + "pacemaker-remoted does (" + AlertDescription.getText(ours) + ")", e);
        }
        if (e instanceof EOFException) {
            if (client.alertReceived() >= 0) {
                return new ConnectFailure(Kind.KEY_REJECTED, rejected, e);
            }
            return new ConnectFailure(Kind.NOT_A_REMOTED, ep + ": the peer closed the connection during the "
                    + "TLS handshake without a TLS alert", e);
        }
        if (e instanceof SocketException) {
            boolean reset = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("reset");
            return new ConnectFailure(reset ? Kind.RESET : Kind.NOT_A_REMOTED, ep + ": connection dropped during the "
                    + "TLS handshake (" + e.getMessage() + ")", e);
        }
        return new ConnectFailure(Kind.NOT_A_REMOTED, ep + ": TLS handshake failed: " + e, e);
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
