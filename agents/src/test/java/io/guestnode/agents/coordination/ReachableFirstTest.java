package io.guestnode.agents.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The client tries the servers that answer, in turn; none answering, each in turn after the spin delay. */
class ReachableFirstTest {
    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort(); // closed again: a connection there is refused
        }
    }

    @Test
    void aServerThatDoesNotAnswerIsSkipped() throws Exception {
        try (ServerSocket up = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            InetSocketAddress live = new InetSocketAddress(InetAddress.getLoopbackAddress(), up.getLocalPort());
            ReachableFirst p = new ReachableFirst(List.of(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort()), live,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort())));
            for (int i = 0; i < 4; i++) {
                assertEquals(live, p.next(0), "attempt " + i);
            }
        }
    }

    @Test
    void serversThatAnswerAreTriedInTurnAndNoneAnsweringStillYieldsOne() throws Exception {
        try (ServerSocket a = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket b = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ReachableFirst p = new ReachableFirst(List.of(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), a.getLocalPort()),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), b.getLocalPort())));
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                seen.add(p.next(0).getPort());
            }
            assertEquals(Set.of(a.getLocalPort(), b.getLocalPort()), seen);
        }
        InetSocketAddress x = new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort());
        InetSocketAddress y = new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort());
        ReachableFirst none = new ReachableFirst(List.of(x, y));
        Set<InetSocketAddress> turns = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            turns.add(none.next(0));
        }
        assertEquals(Set.of(x, y), turns, "each in turn");
    }
}
