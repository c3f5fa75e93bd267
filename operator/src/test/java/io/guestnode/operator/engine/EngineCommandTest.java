package io.guestnode.operator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.agents.domain.LibvirtDomainAgent;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.ResourceMeta.TargetRole;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.Overrides;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Operator commands on the real control loop: acknowledged only once durable, never carried out after a timeout. */
class EngineCommandTest {
    final LibvirtDomainAgent domains = new LibvirtDomainAgent();
    final List<Engine.Snapshot> saved = new CopyOnWriteArrayList<>();
    Engine engine;

    Engine engine(StateWriter.Persister p) {
        engine = new Engine(Definitions.empty("host1"), ObservedState.EMPTY, Overrides.NONE, List.of(), domains,
                () -> null, Clock.systemUTC(), p);
        return engine;
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
        domains.close();
    }

    @Test
    void aCommandIsAcknowledgedOnlyOnceItsEffectIsOnDisk() throws Exception {
        CountDownLatch disk = new CountDownLatch(1);
        Engine e = engine(s -> {
            try {
                disk.await();
            } catch (InterruptedException ex) {
                throw new IOException(ex);
            }
            saved.add(s);
        });
        CompletableFuture<Void> ack = CompletableFuture.runAsync(() -> {
            try {
                e.command(x -> {
                    x.setOverrides(x.overrides().withTargetRole("vm-guest1", TargetRole.STOPPED), "disable vm-guest1");
                    return null;
                }, Duration.ofSeconds(10));
            } catch (InterruptedException ex) {
                throw new IllegalStateException(ex);
            }
        });
        Thread.sleep(500);
        assertFalse(ack.isDone(), "not acknowledged before the state file is written");
        disk.countDown();
        ack.get(10, TimeUnit.SECONDS);
        assertTrue(saved.stream().anyMatch(s -> s.overrides().targetRoles().get("vm-guest1") == TargetRole.STOPPED),
                "the acknowledged disable is in a saved snapshot");
    }

    @Test
    void aCommandWhoseSaveFailsIsReportedAsSuch() throws Exception {
        Engine e = engine(s -> {
            throw new IOException("No space left on device");
        });
        IllegalStateException x = assertThrows(IllegalStateException.class, () -> e.command(y -> {
            y.setOverrides(y.overrides().withMaintenance("guest1", true), "maintenance on for guest1");
            return null;
        }, Duration.ofSeconds(10)));
        assertTrue(x.getMessage().contains("not saved") && x.getMessage().contains("No space left"), x.getMessage());
    }

    @Test
    void aCommandThatTimedOutIsNeverCarriedOutLater() throws Exception {
        Engine e = engine(saved::add);
        CountDownLatch stuck = new CountDownLatch(1);
        CompletableFuture<Object> blocker = CompletableFuture.supplyAsync(() -> {
            try {
                return e.call(x -> {
                    try {
                        stuck.await();
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                }, Duration.ofSeconds(30));
            } catch (InterruptedException ex) {
                throw new IllegalStateException(ex);
            }
        });
        Thread.sleep(200);
        IllegalStateException late = assertThrows(IllegalStateException.class, () -> e.command(x -> {
            x.setOverrides(x.overrides().withHostMaintenance(true), "maintenance on (host)");
            return null;
        }, Duration.ofMillis(300)));
        assertTrue(late.getMessage().contains("nothing was done"), late.getMessage());
        stuck.countDown();
        blocker.get(10, TimeUnit.SECONDS);
        boolean on = e.call(x -> x.overrides().hostMaintenance());
        assertFalse(on, "the withdrawn command did not run once the loop was free");
        assertEquals(0, e.droppedEvents());
    }
}
