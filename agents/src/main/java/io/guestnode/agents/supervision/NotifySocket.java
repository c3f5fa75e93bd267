package io.guestnode.agents.supervision;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The service manager's notification socket ({@code $NOTIFY_SOCKET}, systemd's sd_notify protocol): one datagram per
 * state change, {@code KEY=VALUE} lines, to a Unix datagram socket given by path or, with a leading {@code @}, in the
 * abstract namespace. Sends never block: a manager that does not read loses the datagram, never stalls the sender.
 */
public final class NotifySocket implements ServiceManager {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_NOSIGNAL = 0x4000;
    /** sizeof(sun_path) on Linux. */
    private static final int PATH_MAX = 108;

    private interface LibC extends Library {
        int socket(int domain, int type, int protocol);

        long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrlen);

        int close(int fd);
    }

    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    private final String address;
    private final byte[] sockaddr;

    private NotifySocket(String address) {
        this.address = address;
        this.sockaddr = sockaddr(address);
    }

    /**
     * The socket named by {@code NOTIFY_SOCKET} in {@code env}, when it names one this process may use (an absolute
     * path or an abstract name that fits {@code sun_path}); empty when not run under a manager that asks for it.
     */
    public static Optional<NotifySocket> fromEnvironment(Map<String, String> env) {
        String a = env.getOrDefault("NOTIFY_SOCKET", "");
        if (a.length() < 2 || !(a.startsWith("/") || a.startsWith("@"))
                || a.getBytes(StandardCharsets.UTF_8).length >= PATH_MAX) {
            return Optional.empty();
        }
        return Optional.of(new NotifySocket(a));
    }

    public String address() {
        return address;
    }

    /** sockaddr_un: the family (host order, little-endian here), then the path, NUL-terminated unless abstract. */
    private static byte[] sockaddr(String address) {
        byte[] path = address.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = path[0] == '@';
        byte[] out = new byte[2 + path.length + (abstractName ? 0 : 1)];
        out[0] = (byte) AF_UNIX;
        out[1] = 0;
        System.arraycopy(path, 0, out, 2, path.length);
        if (abstractName) {
            out[2] = 0;
        }
        return out;
    }

    @Override
    public boolean notify(String state) {
        byte[] msg = state.getBytes(StandardCharsets.UTF_8);
        int fd = Holder.LIBC.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            return false;
        }
        try {
            return Holder.LIBC.sendto(fd, msg, msg.length, MSG_DONTWAIT | MSG_NOSIGNAL, sockaddr, sockaddr.length)
                    == msg.length;
        } finally {
            Holder.LIBC.close(fd);
        }
    }
}
