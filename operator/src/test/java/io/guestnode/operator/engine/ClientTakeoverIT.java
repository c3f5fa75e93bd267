package io.guestnode.operator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.guestnode.agents.remote.ConnectOptions;
import io.guestnode.agents.remote.RemoteExecutor;
import io.guestnode.agents.remote.RemoteExecutorClient;
import io.guestnode.agents.remote.SessionListener;
import io.guestnode.agents.remote.message.Notification;
import io.guestnode.agents.remote.message.XmlElement;
import io.guestnode.agents.testing.RemotedSandbox;
import io.guestnode.operator.planner.Event;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second client signs on to a real pacemaker-remoted with the guest's key: remoted announces it to guestnode's
 * session, which is closed at once; the owner check is asked once and the engine hears a takeover, never a loss. The
 * session of another guest is not touched.
 */
class ClientTakeoverIT {
    private static final Duration INTERVAL = Duration.ofMillis(500);

    @TempDir
    Path dir;

    @Test
    void anUnexpectedSecondClientClosesThisHostsSessionAndAsksForTheOwner() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        List<String> asked = new CopyOnWriteArrayList<>();
        GuestSessions sessions = new GuestSessions(events::add, n -> true, n -> asked.add(n) && false);
        try (RemotedSandbox a = RemotedSandbox.start(dir.resolve("a"));
             RemotedSandbox b = RemotedSandbox.start(dir.resolve("b"));
             RemoteExecutorClient client = new RemoteExecutorClient();
             RemoteExecutorClient stranger = new RemoteExecutorClient()) {
            for (var guest : List.of(new Object[] {"guestA", a}, new Object[] {"guestB", b})) {
                String node = (String) guest[0];
                RemotedSandbox r = (RemotedSandbox) guest[1];
                var listener = sessions.listenerFor(node, INTERVAL.toMillis());
                RemoteExecutor remote = client.connect(r.endpoint(), r.key(), ConnectOptions.defaults(), listener);
                sessions.opened(node, remote, listener, INTERVAL, Duration.ofSeconds(2));
            }
            try (RemoteExecutor other = stranger.connect(a.endpoint(), a.key(), ConnectOptions.defaults(),
                    new SessionListener() { })) {
                other.poke(Duration.ofSeconds(2)).join();
                long end = System.nanoTime() + 5_000_000_000L;
                while (events.isEmpty() && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
            }
            Thread.sleep(3 * INTERVAL.toMillis()); // nothing else follows: no loss, no second report
            assertEquals(List.of(new Event.ClientTakeover("guestA")), events);
            assertEquals(List.of("guestA"), asked, "the owner is checked once, after the session is closed");
            assertNull(sessions.get("guestA"), "this host's session with guestA is closed");
            assertNotNull(sessions.get("guestB"), "guestB's session is untouched");
        } finally {
            sessions.closeAll();
        }
    }

    /**
     * A takeover announced on a session that has just been replaced (the guest's connection started again) concerns
     * that session alone: the one replacing it is left open, and nobody is told.
     */
    @Test
    void aTakeoverOnAReplacedSessionLeavesTheNewOneAlone() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        List<String> asked = new CopyOnWriteArrayList<>();
        GuestSessions sessions = new GuestSessions(events::add, n -> true, n -> asked.add(n));
        try (RemotedSandbox a = RemotedSandbox.start(dir.resolve("a"));
             RemotedSandbox b = RemotedSandbox.start(dir.resolve("b"));
             RemoteExecutorClient client = new RemoteExecutorClient()) {
            SessionListener first = sessions.listenerFor("guestA", INTERVAL.toMillis());
            sessions.opened("guestA", client.connect(a.endpoint(), a.key(), ConnectOptions.defaults(), first), first,
                    INTERVAL, Duration.ofSeconds(2));
            SessionListener second = sessions.listenerFor("guestA", INTERVAL.toMillis());
            RemoteExecutor now = client.connect(b.endpoint(), b.key(), ConnectOptions.defaults(), second);
            sessions.opened("guestA", now, second, INTERVAL, Duration.ofSeconds(2));
            first.onNotification(new Notification.NewClient(new XmlElement("lrmd_notify",
                    new java.util.LinkedHashMap<>(java.util.Map.of("lrmd_op", "lrmd_rsc_new_client")), List.of())));
            Thread.sleep(3 * INTERVAL.toMillis());
            assertNotNull(sessions.get("guestA"), "the new session is open");
            assertEquals(now, sessions.get("guestA").remote);
            assertEquals(List.of(), events);
            assertEquals(List.of(), asked);
        } finally {
            sessions.closeAll();
        }
    }
}
