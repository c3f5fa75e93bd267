package io.guestnode.agents.remote.tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP connect that does not wait for the kernel to resend a lost SYN (1 s, then 3 s): while no connect has an
 * answer, another starts every {@code every}, each on its own socket, and the first to complete is the connection.
 * The earlier ones stay open, so a peer that is only slow to answer (an emulated guest) is not cut short; the others
 * are closed once one is through. An answer that is a refusal or an error ends the whole connect at once: the peer
 * (or the way to it) answered, and more SYNs would not change that.
 *
 * <p>A guest that has just been resumed on another host gets the SYNs sent before its network moved (the bridges
 * still know its address on the old host); its first answer then comes to the first SYN sent after, not 1 s later.
 */
final class SynResend {
    @FunctionalInterface
    interface Configure {
        void apply(Socket s) throws IOException;
    }

    private record Outcome(Socket socket, IOException failure) {
    }

    private SynResend() {
    }

    /**
     * Connects to {@code address} within {@code timeout}, with at most {@code most} sockets, a new one every
     * {@code every} while none has an answer; with {@code most} 1 it is one plain connect.
     *
     * @throws SocketTimeoutException when none completed within the timeout
     * @throws IOException            the first failure any connect met (refused, unreachable, ...)
     */
    static Socket connect(InetSocketAddress address, Duration timeout, Duration every, int most, Configure configure)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        BlockingQueue<Outcome> answers = new LinkedBlockingQueue<>();
        List<Socket> started = new ArrayList<>();
        Socket winner = null;
        try {
            long nextStart = System.nanoTime();
            while (true) {
                long now = System.nanoTime();
                if (now - deadline >= 0) {
                    throw new SocketTimeoutException("Connect timed out");
                }
                if (started.size() < most && now - nextStart >= 0) {
                    started.add(start(address, deadline - now, configure, answers));
                    nextStart = now + every.toNanos();
                }
                long until = started.size() < most ? Math.min(nextStart - now, deadline - now) : deadline - now;
                Outcome o = answers.poll(Math.max(until, 0), TimeUnit.NANOSECONDS);
                if (o != null && o.failure() != null) {
                    throw o.failure();
                }
                if (o != null) {
                    winner = o.socket();
                    return winner;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SocketTimeoutException("interrupted while connecting");
        } finally {
            for (Socket s : started) {
                if (s != winner) {
                    TlsTransport.closeQuietly(s);
                }
            }
        }
    }

    private static Socket start(InetSocketAddress address, long leftNanos, Configure configure,
                                BlockingQueue<Outcome> answers) throws IOException {
        Socket s = new Socket();
        try {
            configure.apply(s);
        } catch (IOException e) {
            TlsTransport.closeQuietly(s);
            throw e;
        }
        int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(leftNanos)));
        Thread.ofVirtual().name("connect " + address).start(() -> {
            try {
                s.connect(address, ms);
                answers.add(new Outcome(s, null));
            } catch (IOException e) {
                answers.add(new Outcome(null, e)); // unread once the connect is over: its own closing ends here
            }
        });
        return s;
    }
}
