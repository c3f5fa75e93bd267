package io.guestnode.operator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.operator.planner.Observed.Failure;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuestHistoryTest {
    static final Failure WEB = new Failure(3, "monitor", 10_000, 7, "complete", "not running", "restart",
            Instant.parse("2026-12-01T07:00:00Z"));

    @Test
    void whatIsWrittenIsReadBack() {
        assertEquals(Map.of("web", WEB), GuestHistory.decode("h", GuestHistory.encode(Map.of("web", WEB))));
        assertEquals(Map.of(), GuestHistory.decode("h", GuestHistory.encode(Map.of())));
    }

    static String refused(String json) {
        return assertThrows(IllegalArgumentException.class, () -> GuestHistory.decode("history of g1",
                json.getBytes(StandardCharsets.UTF_8))).getMessage();
    }

    @Test
    void anotherHostsBytesAreReadStrictlyAndTheErrorNamesTheField() {
        String ok = new String(GuestHistory.encode(Map.of("web", WEB)), StandardCharsets.UTF_8);
        assertTrue(refused("{").startsWith("history of g1: not a guest history"), refused("{"));
        assertTrue(refused(ok.replace("\"web\"", "\"../x\"")).contains("[0].service"), ok);
        assertTrue(refused(ok.replace("\"count\":3", "\"count\":0")).contains("[0].count 0"));
        assertTrue(refused(ok.replace("2026-12-01T07:00:00Z", "yesterday")).contains("[0].last 'yesterday'"));
        assertTrue(refused(ok.replace("\"count\"", "\"extra\":1,\"count\"")).contains("not a guest history"));
        assertTrue(refused("[" + "null,".repeat(300) + "null]").contains("at most 256"));
        byte[] big = new byte[GuestHistory.MAX_BYTES + 1];
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GuestHistory.decode("history of g1", big))
                .getMessage().contains("more than a history"));
    }
}
