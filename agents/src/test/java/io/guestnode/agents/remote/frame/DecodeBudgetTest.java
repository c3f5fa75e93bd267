package io.guestnode.agents.remote.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Decoding memory is shared by every reader: a large message waits for its share, and gives it back. */
class DecodeBudgetTest {
    static byte[] frame(String xml) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new FrameWriter(out).write(xml);
        return out.toByteArray();
    }

    @Test
    void aMessageHoldsItsShareUntilTheNextReadAndOthersWaitForIt() throws Exception {
        DecodeBudget budget = new DecodeBudget(1024 * 1024);
        String big = "<x a=\"" + "y".repeat(200 * 1024) + "\"/>";
        PipedOutputStream toFirst = new PipedOutputStream();
        FrameReader first = new FrameReader(new PipedInputStream(toFirst, 1 << 20), FrameLimits.DEFAULT, budget);
        CompletableFuture.runAsync(() -> {
            try {
                toFirst.write(frame(big));
                toFirst.flush();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(big, first.read());
        assertTrue(budget.available() < 512 * 1024, "the first message holds its share: " + budget.available());

        FrameReader second = new FrameReader(InputStream.nullInputStream(), FrameLimits.DEFAULT, budget);
        FrameReader third = new FrameReader(new java.io.ByteArrayInputStream(frame(big)), FrameLimits.DEFAULT, budget);
        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return third.read();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertFalse(waiting.isDone(), "a second large message waits for decoding memory");
        first.close();
        assertEquals(big, waiting.get(5, TimeUnit.SECONDS), "and decodes once the first gives its share back");
        third.close();
        assertEquals(1024 * 1024, budget.available());
        assertEquals(null, second.read(), "an empty stream takes nothing");
    }
}
