package io.guestnode.operator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.agents.remote.ConnectOptions;
import io.guestnode.agents.remote.RemoteExecutor;
import io.guestnode.agents.remote.RemoteExecutorClient;
import io.guestnode.agents.testing.RemotedSandbox;
import io.guestnode.operator.planner.Event;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pokes in rounds against two real pacemaker-remoted: answered pokes keep a session, a frozen guest loses its own. */
class PokeRoundsIT {
    private static final Duration INTERVAL = Duration.ofMillis(300);
    private static final Duration TIMEOUT = Duration.ofMillis(1000);

    @TempDir
    Path dir;

    @Test
    void eachFrozenGuestIsFoundByItsOwnPokeAndNoOther() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        GuestSessions sessions = new GuestSessions(events::add, n -> true, n -> true);
        try (RemotedSandbox a = RemotedSandbox.start(dir.resolve("a"));
             RemotedSandbox b = RemotedSandbox.start(dir.resolve("b"));
             RemoteExecutorClient client = new RemoteExecutorClient()) {
            for (var guest : List.of(new Object[] {"guestA", a}, new Object[] {"guestB", b})) {
                String node = (String) guest[0];
                RemotedSandbox r = (RemotedSandbox) guest[1];
                var listener = sessions.listenerFor(node, INTERVAL.toMillis());
                RemoteExecutor remote = client.connect(r.endpoint(), r.key(), ConnectOptions.defaults(), listener);
                sessions.opened(node, remote, listener, INTERVAL, TIMEOUT);
            }
            Thread.sleep(3 * INTERVAL.toMillis() + TIMEOUT.toMillis());
            assertEquals(List.of(), events, "answered pokes keep both sessions");

            b.signal("STOP");
            Event lostB = await(events, "guestB");
            assertEquals(new Event.ConnectionLost("guestB", "Remote executor did not respond", INTERVAL.toMillis()), lostB);
            assertNull(sessions.get("guestB"));
            assertNotNull(sessions.get("guestA"), "guestA's pokes go on: " + events);
            assertEquals(1, events.size(), events.toString());

            a.signal("STOP");
            await(events, "guestA");
            assertNull(sessions.get("guestA"));
            a.signal("CONT");
            b.signal("CONT");
        } finally {
            sessions.closeAll();
        }
    }

    /**
     * The round thread may be slow between its look at the sessions and its sleep (a busy host). A poke answered in
     * that moment must still be followed by the next one: here the look is made slow on purpose, so the answer always
     * arrives in it, and the guest frozen afterwards must be found by its next poke.
     */
    @Test
    void aPokeAnsweredWhileTheRoundThreadLooksIsFollowedByTheNext() throws Exception {
        List<Throwable> unanswered = new CopyOnWriteArrayList<>();
        List<GuestSessions.Session> open = new CopyOnWriteArrayList<>();
        // the sessions as the round thread sees them: after the last one it is held up for 50 ms
        java.util.Collection<GuestSessions.Session> slowLook = new java.util.AbstractCollection<>() {
            @Override
            public java.util.Iterator<GuestSessions.Session> iterator() {
                java.util.Iterator<GuestSessions.Session> it = open.iterator();
                return new java.util.Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        if (it.hasNext()) {
                            return true;
                        }
                        Spin.pause(50);
                        return false;
                    }

                    @Override
                    public GuestSessions.Session next() {
                        return it.next();
                    }
                };
            }

            @Override
            public int size() {
                return open.size();
            }
        };
        PokeRounds rounds = new PokeRounds(slowLook, (s, error) -> unanswered.add(error));
        try (RemotedSandbox a = RemotedSandbox.start(dir.resolve("slow"));
             RemoteExecutorClient client = new RemoteExecutorClient()) {
            RemoteExecutor remote = client.connect(a.endpoint(), a.key(), ConnectOptions.defaults(),
                    new io.guestnode.agents.remote.SessionListener() { });
            GuestSessions.Session s = new GuestSessions.Session("guestA", remote, INTERVAL, TIMEOUT);
            rounds.start();
            rounds.schedule(s);
            open.add(s);
            rounds.opened(s);
            Thread.sleep(6 * INTERVAL.toMillis()); // several pokes, each answered while the thread looks
            assertEquals(List.of(), unanswered, "answered pokes");
            a.signal("STOP");
            long end = System.nanoTime() + 4 * (INTERVAL.toNanos() + TIMEOUT.toNanos());
            while (unanswered.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            a.signal("CONT");
            assertEquals(1, unanswered.size(), "the frozen guest was found by its next poke: " + unanswered);
            remote.close();
        } finally {
            rounds.stop();
        }
    }

    /** A busy thread's delay: spun, not slept (a sleep would disturb the round thread's own parking). */
    private static final class Spin {
        static void pause(long ms) {
            long end = System.nanoTime() + ms * 1_000_000L;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        }
    }

    private static Event await(List<Event> events, String node) throws InterruptedException {
        long end = System.nanoTime() + 4 * (INTERVAL.toNanos() + TIMEOUT.toNanos());
        while (System.nanoTime() < end) {
            for (Event e : events) {
                if (e instanceof Event.ConnectionLost l && l.node().equals(node)) {
                    return e;
                }
            }
            Thread.sleep(20);
        }
        assertTrue(false, node + " was not found frozen: " + events);
        return null;
    }
}
