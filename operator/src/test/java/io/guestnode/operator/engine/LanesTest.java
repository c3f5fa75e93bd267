package io.guestnode.operator.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A fence never waits for whatever its guest's lane is stuck in; nothing runs once the lanes are closed. */
class LanesTest {
    @Test
    void aFenceRunsWhileTheGuestsLaneIsStuck() throws Exception {
        try (Lanes lanes = new Lanes()) {
            CountDownLatch stuck = new CountDownLatch(1);
            CountDownLatch fenced = new CountDownLatch(1);
            CountDownLatch after = new CountDownLatch(1);
            assertTrue(lanes.onLane("guest1", () -> {
                try {
                    stuck.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            assertTrue(lanes.onLane("guest1", after::countDown));
            assertTrue(lanes.fence(fenced::countDown));
            assertTrue(fenced.await(2, TimeUnit.SECONDS), "the fence ran while the lane was stuck");
            assertFalse(after.await(200, TimeUnit.MILLISECONDS), "the lane itself stays in order");
            stuck.countDown();
            assertTrue(after.await(2, TimeUnit.SECONDS));
            lanes.close();
            assertFalse(lanes.onLane("guest1", () -> { }), "closed lanes take nothing");
            assertFalse(lanes.fence(() -> { }));
        }
    }
}
