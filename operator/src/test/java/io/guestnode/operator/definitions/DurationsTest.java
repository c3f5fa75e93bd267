package io.guestnode.operator.definitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void pacemakerForms() {
        assertEquals(Duration.ofSeconds(60), Durations.parse("60"));
        assertEquals(Duration.ofSeconds(60), Durations.parse("60s"));
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2min"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        assertEquals(Duration.ofMinutes(1), Durations.parse("PT1M"));
        assertEquals(Duration.ofSeconds(90), Durations.parse(" 90 sec "));
    }

    @Test
    void nonsenseIsRejectedWithTheText() {
        for (String bad : new String[] {"", "soon", "5x", "-5s", "P", "PTxM", "99999999999999999999"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad));
            assertTrue(e.getMessage().length() > 5, e.getMessage());
        }
    }

    @Test
    void formatIsShort() {
        assertEquals("60s", Durations.format(Duration.ofSeconds(60)));
        assertEquals("2min", Durations.format(Duration.ofMinutes(2)));
        assertEquals("500ms", Durations.format(Duration.ofMillis(500)));
    }
}
