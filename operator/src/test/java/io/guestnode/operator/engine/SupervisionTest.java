package io.guestnode.operator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.guestnode.agents.domain.LibvirtDomainAgent;
import io.guestnode.agents.supervision.ServiceManager;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.Overrides;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sd_notify protocol against a real notification socket (a Unix datagram socket this test binds, as systemd
 * does): READY=1 after the first plan, WATCHDOG=1 at half the watchdog interval while the control loop answers and
 * none while it is wedged, STATUS= with the counts, STOPPING=1 at the end.
 */
class SupervisionTest {
    /** A notification socket, read as systemd reads it. */
    static final class Listener implements AutoCloseable {
        private interface LibC extends Library {
            int socket(int domain, int type, int protocol);

            int bind(int fd, byte[] addr, int len);

            long recv(int fd, byte[] buf, long len, int flags);

            int close(int fd);
        }

        private static final LibC LIBC = Native.load("c", LibC.class);
        record Datagram(long at, String text) {
        }

        final List<Datagram> got = new ArrayList<>();
        private final int fd;
        private final Thread reader;

        Listener(String address) {
            fd = LIBC.socket(1, 2, 0);
            byte[] path = address.getBytes(StandardCharsets.UTF_8);
            byte[] sa = new byte[2 + path.length + 1];
            sa[0] = 1;
            System.arraycopy(path, 0, sa, 2, path.length);
            if (address.startsWith("@")) {
                sa[2] = 0;
            }
            assertEquals(0, LIBC.bind(fd, sa, address.startsWith("@") ? sa.length - 1 : sa.length),
                    "bind " + address + ": errno " + Native.getLastError());
            reader = Thread.ofPlatform().daemon().start(() -> {
                byte[] buf = new byte[4096];
                while (!Thread.currentThread().isInterrupted()) {
                    long n = LIBC.recv(fd, buf, buf.length, 0x40); // MSG_DONTWAIT
                    if (n > 0) {
                        synchronized (got) {
                            got.add(new Datagram(System.nanoTime(), new String(buf, 0, (int) n,
                                    StandardCharsets.UTF_8)));
                        }
                    } else {
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            });
        }

        List<Datagram> since(long t) {
            synchronized (got) {
                return got.stream().filter(d -> d.at() >= t).toList();
            }
        }

        Optional<Datagram> await(String line, long since, Duration within) throws InterruptedException {
            long end = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < end) {
                Optional<Datagram> d = since(since).stream().filter(x -> x.text().lines().anyMatch(line::equals))
                        .findFirst();
                if (d.isPresent()) {
                    return d;
                }
                Thread.sleep(10);
            }
            return Optional.empty();
        }

        @Override
        public void close() throws InterruptedException {
            reader.interrupt();
            reader.join();
            LIBC.close(fd);
        }
    }

    @Test
    void readyAfterTheFirstPlanWatchdogOnlyWhileTheLoopAnswersStoppingAtTheEnd(@TempDir Path dir)
            throws Exception {
        check(dir.resolve("notify").toString());
    }

    @Test
    void anAbstractNotifySocketIsReachedToo() throws Exception {
        check("@guestnode-test-" + ProcessHandle.current().pid());
    }

    private void check(String address) throws Exception {
        Map<String, String> env = Map.of("NOTIFY_SOCKET", address, "WATCHDOG_USEC", "400000",
                "WATCHDOG_PID", Long.toString(ProcessHandle.current().pid()));
        try (Listener l = new Listener(address);
             LibvirtDomainAgent domains = new LibvirtDomainAgent();
             Engine engine = new Engine(Definitions.empty("host1"), ObservedState.EMPTY, Overrides.NONE, List.of(),
                     domains, () -> null, Clock.systemUTC(), s -> { })) {
            long t0 = System.nanoTime();
            Supervision s = Supervision.start(ServiceManager.fromEnvironment(env), engine, env);
            Listener.Datagram ready = l.await("READY=1", t0, Duration.ofSeconds(5)).orElseThrow(() ->
                    new AssertionError("no READY=1: " + l.since(t0)));
            assertTrue(engine.snapshot() != null, "READY=1 only after the first plan");
            assertTrue(ready.text().contains("STATUS=0 of 0 guest nodes online, 0 services started"), ready.text());
            Thread.sleep(1_000);
            long pings = l.since(ready.at() + 1).stream().filter(d -> d.text().contains("WATCHDOG=1")).count();
            assertTrue(pings >= 3 && pings <= 7, "a ping every 200 ms for 1 s: " + pings);
            // the loop wedged: no ping while it does not answer
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch wedged = new CountDownLatch(1);
            Thread blocker = Thread.ofPlatform().start(() -> {
                try {
                    engine.call(e -> {
                        wedged.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException ex) {
                            Thread.currentThread().interrupt();
                        }
                        return null;
                    }, Duration.ofSeconds(10));
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            });
            wedged.await();
            long w0 = System.nanoTime();
            Thread.sleep(1_200);
            List<Listener.Datagram> during = l.since(w0 + Duration.ofMillis(10).toNanos()).stream()
                    .filter(d -> d.text().contains("WATCHDOG=1")).toList();
            assertEquals(List.of(), during, "no WATCHDOG=1 while the control loop is wedged");
            release.countDown();
            blocker.join();
            long r0 = System.nanoTime();
            assertTrue(l.await("WATCHDOG=1", r0, Duration.ofSeconds(2)).isPresent(), "pings again once it answers");
            long s0 = System.nanoTime();
            s.close();
            assertTrue(l.await("STOPPING=1", s0, Duration.ofSeconds(2)).isPresent(), "STOPPING=1");
            Thread.sleep(500);
            assertEquals(List.of(), l.since(s0).stream().filter(d -> d.text().contains("WATCHDOG=1")).toList(),
                    "no ping after STOPPING=1");
        }
    }

    @Test
    void theWatchdogIsOnlyThisProcesssAndOnlyWhenAsked() {
        assertEquals(Optional.of(Duration.ofMillis(30_000)),
                Supervision.watchdog(Map.of("WATCHDOG_USEC", "30000000"), 42));
        assertEquals(Optional.empty(), Supervision.watchdog(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID",
                "7"), 42), "another process's watchdog");
        assertEquals(Optional.empty(), Supervision.watchdog(Map.of(), 42));
        assertEquals(Optional.empty(), Supervision.watchdog(Map.of("WATCHDOG_USEC", "x"), 42));
        assertEquals(ServiceManager.NONE, ServiceManager.fromEnvironment(Map.of("NOTIFY_SOCKET", "relative")));
    }
}
