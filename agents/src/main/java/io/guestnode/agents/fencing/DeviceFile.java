package io.guestnode.agents.fencing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** An open watchdog device: one byte written is a keepalive, 'V' before closing disarms it. */
public interface DeviceFile extends AutoCloseable {
    Path path();

    /** Sets the timeout after which the device resets the host without a keepalive. */
    void setTimeout(int seconds) throws IOException;

    void write(byte b) throws IOException;

    @Override
    void close() throws IOException;

    /**
     * A file or pipe that stands in for a device where there is none (tests, and hosts that feed a watchdog
     * multiplexer through a pipe): bytes are written as a device would receive them; its timeout is what
     * {@link #timeout()} says.
     */
    final class Plain implements DeviceFile {
        private final Path path;
        private final OutputStream out;
        private volatile int timeout = -1;

        public Plain(Path path) throws IOException {
            this.path = path;
            this.out = Files.newOutputStream(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }

        @Override
        public Path path() {
            return path;
        }

        @Override
        public void setTimeout(int seconds) {
            timeout = seconds;
        }

        public int timeout() {
            return timeout;
        }

        @Override
        public void write(byte b) throws IOException {
            out.write(b);
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
