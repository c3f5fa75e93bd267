package io.guestnode.agents.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** A call's deadline starts when it is issued; calls left overdue make overload, which is told apart. */
class CallClockTest {
    @Test
    void theDeadlineMeasuresTheCallNotItsWaitForAThread() throws Exception {
        ExecutorService one = Executors.newFixedThreadPool(1);
        try {
            CallClock clock = new CallClock();
            one.submit(() -> {
                Thread.sleep(600);
                return null;
            });
            // queued 600 ms behind the first, runs 50 ms: within its 300 ms
            assertEquals("done", clock.run(one, () -> {
                Thread.sleep(50);
                return "done";
            }, Duration.ofMillis(300)));
        } finally {
            one.shutdownNow();
        }
    }

    @Test
    void severalCallsOverdueAtOnceAreOverload() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch libvirt = new CountDownLatch(1);
        try {
            CallClock clock = new CallClock();
            for (int i = 1; i <= CallClock.OVERLOAD_OVERDUE; i++) {
                CallClock.Late late = assertThrows(CallClock.Late.class, () -> clock.run(pool, () -> {
                    libvirt.await();
                    return null;
                }, Duration.ofMillis(50)));
                assertTrue(late.issued);
                assertEquals(i >= CallClock.OVERLOAD_OVERDUE, late.overload, "call " + i + ": " + late.getMessage());
            }
            assertEquals(CallClock.OVERLOAD_OVERDUE, clock.overdue());
            libvirt.countDown();
            long until = System.nanoTime() + 2_000_000_000L;
            while (clock.overdue() > 0 && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertEquals(0, clock.overdue(), "an overdue call that returns is no longer counted");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void noThreadWithinTheQueueLimitIsOverloadAndNothingIsIssued() throws Exception {
        ExecutorService one = Executors.newFixedThreadPool(1);
        CountDownLatch stuck = new CountDownLatch(1);
        try {
            CallClock clock = new CallClock(Duration.ofMillis(100));
            one.submit(() -> {
                stuck.await();
                return null;
            });
            boolean[] ran = {false};
            CallClock.Late late = assertThrows(CallClock.Late.class, () -> clock.run(one, () -> {
                ran[0] = true;
                return null;
            }, Duration.ofSeconds(5)));
            assertFalse(late.issued);
            assertTrue(late.overload);
            stuck.countDown();
            Thread.sleep(200);
            assertFalse(ran[0], "a call withdrawn before it was issued never runs");
        } finally {
            one.shutdownNow();
        }
    }
}
