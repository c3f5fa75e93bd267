package io.guestnode.operator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PokeBudgetTest {
    private static final Duration FIVE = Duration.ofSeconds(5);

    /** Up to 100 guests each is poked at its own interval; beyond, the host pokes 20 guests a second in all. */
    @Test
    void aHostPokesAtMostTwentyGuestsASecond() {
        assertEquals(FIVE, GuestSessions.pokeEvery(FIVE, 1));
        assertEquals(FIVE, GuestSessions.pokeEvery(FIVE, 100));
        assertEquals(Duration.ofSeconds(25), GuestSessions.pokeEvery(FIVE, 500));
        assertEquals(Duration.ofSeconds(50), GuestSessions.pokeEvery(FIVE, 1000));
        assertEquals(Duration.ofSeconds(60), GuestSessions.pokeEvery(Duration.ofSeconds(60), 500), "a longer interval stays");
        for (int n = 1; n <= 2000; n += 37) {
            double perSecond = n / (GuestSessions.pokeEvery(FIVE, n).toMillis() / 1000.0);
            assertEquals(true, perSecond <= 20.0 + 1e-9, n + " guests: " + perSecond + " pokes a second");
        }
    }
}
