package io.guestnode.agents.remote.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.agents.testing.Shell;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The SYN resend on the real kernel: SYNs to a listening port on loopback are dropped by an nftables rule of the
 * test's own table (what a guest whose network has not moved yet does to them), then let through.
 */
class SynResendIT {
    static final String TABLE = "gn_syn_resend_test";

    @Test
    void unansweredSynsAreResentOnNewSocketsAndTheFirstThroughWins() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            CompletableFuture<Socket> connect;
            try {
                dropSyns(port);
                connect = CompletableFuture.supplyAsync(() -> {
                    try {
                        return SynResend.connect(address, Duration.ofSeconds(5), Duration.ofMillis(50), 20, s -> { });
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                Thread.sleep(400);
                int waiting = synSent(port);
                assertTrue(waiting >= 5, "SYNs are resent every 50 ms on sockets of their own: " + waiting
                        + " connects waiting after 400 ms");
            } finally {
                letSynsThrough();
            }
            try (Socket s = connect.get(5, TimeUnit.SECONDS)) {
                assertTrue(s.isConnected());
                assertEquals(port, s.getPort());
                assertEquals(0, synSent(port), "the other connects are closed once one is through");
            }
        }
    }

    @Test
    void aRefusalEndsTheConnectAtOnce() throws Exception {
        int port;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = gone.getLocalPort();
        }
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        long t0 = System.nanoTime();
        ConnectException e = assertThrows(ConnectException.class, () ->
                SynResend.connect(address, Duration.ofSeconds(5), Duration.ofMillis(50), 20, s -> { }));
        assertTrue(e.getMessage().toLowerCase().contains("refused"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "a refusal is an answer; no resend waits after it");
    }

    private static void dropSyns(int port) {
        letSynsThrough();
        Shell.check("nft", "add", "table", "inet", TABLE);
        Shell.check("nft", "add chain inet " + TABLE + " out { type filter hook output priority 0 ; }");
        Shell.check("nft", "add rule inet " + TABLE + " out ip daddr 127.0.0.1 tcp dport " + port
                + " tcp flags & (syn | ack) == syn drop");
    }

    private static void letSynsThrough() {
        Shell.run(List.of("nft", "delete", "table", "inet", TABLE));
    }

    private static int synSent(int port) {
        String out = Shell.check("ss", "-Htn", "state", "syn-sent", "dport", "= :" + port);
        return (int) out.lines().filter(l -> !l.isBlank()).count();
    }
}
