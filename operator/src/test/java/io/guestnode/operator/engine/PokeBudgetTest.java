package io.guestnode.operator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PokeBudgetTest {
    private static final Duration FIVE = Duration.ofSeconds(5);

    /** Up to 100 guests each is poked at its own interval; beyond, the host pokes 20 guests a second in all. */
    @Test
    void aHostPokesAtMostTwentyGuestsASecond() {
        assertEquals(FIVE, PokeRounds.pokeEvery(FIVE, 1));
        assertEquals(FIVE, PokeRounds.pokeEvery(FIVE, 100));
        assertEquals(Duration.ofSeconds(25), PokeRounds.pokeEvery(FIVE, 500));
        assertEquals(Duration.ofSeconds(50), PokeRounds.pokeEvery(FIVE, 1000));
        assertEquals(Duration.ofSeconds(60), PokeRounds.pokeEvery(Duration.ofSeconds(60), 500), "a longer interval stays");
        for (int n = 1; n <= 2000; n += 37) {
            double perSecond = n / (PokeRounds.pokeEvery(FIVE, n).toMillis() / 1000.0);
            assertEquals(true, perSecond <= 20.0 + 1e-9, n + " guests: " + perSecond + " pokes a second");
        }
    }

    /** Guests that came up at different moments are poked on the same tick boundaries, so the host wakes once a tick. */
    @Test
    void pokesOfSeveralGuestsFallOnTheSameTick() {
        assertEquals(6000, PokeRounds.nextPoke(100, 100, FIVE));
        assertEquals(6000, PokeRounds.nextPoke(700, 700, FIVE));
        assertEquals(26_000, PokeRounds.nextPoke(0, 0, Duration.ofMillis(25_500)));
    }

    /** The time a poke takes does not push the next one a tick later: the interval stays the interval. */
    @Test
    void theIntervalDoesNotDriftByTheRoundTrip() {
        long due = 0;
        long now = 0;
        for (int i = 1; i <= 10; i++) {
            due = PokeRounds.nextPoke(due, now, FIVE);
            assertEquals(i * 5000L, due);
            now = due + 40; // the poke's round trip
        }
    }

    /** An interval shorter than a tick is kept; a poke that took longer than the interval is followed a full interval later. */
    @Test
    void shortIntervalsAndLatePokes() {
        assertEquals(300, PokeRounds.nextPoke(0, 0, Duration.ofMillis(300)));
        assertEquals(600, PokeRounds.nextPoke(300, 310, Duration.ofMillis(300)));
        assertEquals(17_000, PokeRounds.nextPoke(5000, 12_000, FIVE));
    }
}
