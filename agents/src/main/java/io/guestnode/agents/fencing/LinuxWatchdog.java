package io.guestnode.agents.fencing;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.nio.file.Path;

/** {@code /dev/watchdog} through libc: open, the WDIOC_SETTIMEOUT ioctl, one-byte writes, close. */
public final class LinuxWatchdog implements DeviceFile {
    /** _IOWR('W', 6, int) */
    private static final long WDIOC_SETTIMEOUT = 0xC0045706L;
    private static final int O_WRONLY = 1;
    private static final int O_CLOEXEC = 0x80000;

    private interface LibC extends Library {
        int open(String path, int flags);

        int ioctl(int fd, long request, IntByReference arg);

        long write(int fd, byte[] buf, long count);

        int close(int fd);
    }

    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    private final Path path;
    private final int fd;

    public LinuxWatchdog(Path path) throws IOException {
        this.path = path;
        this.fd = Holder.LIBC.open(path.toString(), O_WRONLY | O_CLOEXEC);
        if (fd < 0) {
            throw new IOException("cannot open " + path + " (errno " + Native.getLastError() + ")");
        }
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public void setTimeout(int seconds) throws IOException {
        IntByReference t = new IntByReference(seconds);
        if (Holder.LIBC.ioctl(fd, WDIOC_SETTIMEOUT, t) != 0) {
            throw new IOException(path + " is not a watchdog device or refuses a " + seconds + " s timeout (errno "
                    + Native.getLastError() + ")");
        }
        if (t.getValue() != seconds) {
            throw new IOException(path + " took a timeout of " + t.getValue() + " s instead of " + seconds + " s");
        }
    }

    @Override
    public void write(byte b) throws IOException {
        if (Holder.LIBC.write(fd, new byte[] {b}, 1) != 1) {
            throw new IOException("write to " + path + " failed (errno " + Native.getLastError() + ")");
        }
    }

    @Override
    public void close() throws IOException {
        if (Holder.LIBC.close(fd) != 0) {
            throw new IOException("close of " + path + " failed (errno " + Native.getLastError() + ")");
        }
    }
}
