package io.guestnode.agents.remote;

import io.guestnode.agents.remote.frame.FrameLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits and identity for one connection.
 *
 * @param connectTimeout   TCP connect deadline
 * @param handshakeTimeout TLS handshake deadline (Pacemaker's client uses 5 s)
 * @param requestTimeout   default deadline for a reply to a request (Pacemaker's client uses 10 s)
 * @param clientName       name the remote shows for us in its logs
 * @param ipcProvider      whether to offer to serve the guest's CLI tools (guestnode does not by default)
 * @param limits           frame size ceiling
 * @param quickAck         re-arm TCP_QUICKACK around every read (avoids the 40 ms delayed-ACK stall)
 * @param minDhBits        smallest DH prime accepted for TLS 1.2 DHE-PSK
 * @param bufferBudgetBytes most bytes one session holds of results and pokes it cannot match yet
 * @param synResend        while the TCP connect has no answer, another starts this often (zero: one connect, the
 *                         kernel resending its SYN after 1 s, then 3 s)
 */
public record ConnectOptions(Duration connectTimeout, Duration handshakeTimeout, Duration requestTimeout,
                             String clientName, boolean ipcProvider, FrameLimits limits, boolean quickAck,
                             int minDhBits, int bufferBudgetBytes, Duration synResend) {

    /** 256 KiB: results that overtake their exec reply are rare and, cut to 4 KiB per string, small. */
    public static final int DEFAULT_BUFFER_BUDGET = 256 * 1024;

    public ConnectOptions {
        Objects.requireNonNull(connectTimeout);
        Objects.requireNonNull(handshakeTimeout);
        Objects.requireNonNull(requestTimeout);
        Objects.requireNonNull(clientName);
        Objects.requireNonNull(limits);
        Objects.requireNonNull(synResend);
        if (synResend.isNegative()) {
            throw new IllegalArgumentException("synResend must not be negative, got " + synResend);
        }
        if (bufferBudgetBytes < 0) {
            throw new IllegalArgumentException("bufferBudgetBytes must not be negative, got " + bufferBudgetBytes);
        }
    }

    public static ConnectOptions defaults() {
        return new ConnectOptions(Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(10),
                "guestnode", false, FrameLimits.DEFAULT, true, 2048,
                DEFAULT_BUFFER_BUDGET, Duration.ZERO);
    }

    public ConnectOptions withConnectTimeout(Duration d) {
        return new ConnectOptions(d, handshakeTimeout, requestTimeout, clientName, ipcProvider, limits, quickAck,
                minDhBits, bufferBudgetBytes, synResend);
    }

    public ConnectOptions withHandshakeTimeout(Duration d) {
        return new ConnectOptions(connectTimeout, d, requestTimeout, clientName, ipcProvider, limits, quickAck,
                minDhBits, bufferBudgetBytes, synResend);
    }

    public ConnectOptions withRequestTimeout(Duration d) {
        return new ConnectOptions(connectTimeout, handshakeTimeout, d, clientName, ipcProvider, limits, quickAck,
                minDhBits, bufferBudgetBytes, synResend);
    }

    public ConnectOptions withClientName(String name) {
        return new ConnectOptions(connectTimeout, handshakeTimeout, requestTimeout, name, ipcProvider, limits,
                quickAck, minDhBits, bufferBudgetBytes, synResend);
    }

    public ConnectOptions withIpcProvider(boolean provider) {
        return new ConnectOptions(connectTimeout, handshakeTimeout, requestTimeout, clientName, provider, limits,
                quickAck, minDhBits, bufferBudgetBytes, synResend);
    }

    public ConnectOptions withLimits(FrameLimits l) {
        return new ConnectOptions(connectTimeout, handshakeTimeout, requestTimeout, clientName, ipcProvider, l,
                quickAck, minDhBits, bufferBudgetBytes, synResend);
    }

    public ConnectOptions withQuickAck(boolean q) {
        return new ConnectOptions(connectTimeout, handshakeTimeout, requestTimeout, clientName, ipcProvider, limits,
                q, minDhBits, bufferBudgetBytes, synResend);
    }

    public ConnectOptions withBufferBudget(int bytes) {
        return new ConnectOptions(connectTimeout, handshakeTimeout, requestTimeout, clientName, ipcProvider, limits,
                quickAck, minDhBits, bytes, synResend);
    }

    public ConnectOptions withSynResend(Duration every) {
        return new ConnectOptions(connectTimeout, handshakeTimeout, requestTimeout, clientName, ipcProvider, limits,
                quickAck, minDhBits, bufferBudgetBytes, every);
    }
}
