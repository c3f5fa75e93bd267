package io.guestnode.agents.remote.tls;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import jdk.net.ExtendedSocketOptions;

/**
 * Re-arms {@code TCP_QUICKACK} before and after every read of the raw socket. pacemaker-remoted sends each
 * message as two segments with Nagle on; without an immediate ACK of the first, the second waits ~40 ms.
 * Linux clears the flag by itself, hence the re-arming.
 */
final class QuickAckInputStream extends FilterInputStream {
    private final Socket socket;
    private volatile boolean supported = true;

    QuickAckInputStream(InputStream in, Socket socket) {
        super(in);
        this.socket = socket;
    }

    static boolean available(Socket s) {
        return s.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK);
    }

    private void rearm() {
        if (!supported) {
            return;
        }
        try {
            socket.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
        } catch (IOException | UnsupportedOperationException e) {
            supported = false;
        }
    }

    @Override
    public int read() throws IOException {
        rearm();
        int r = super.read();
        rearm();
        return r;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        rearm();
        int r = super.read(b, off, len);
        rearm();
        return r;
    }
}
