package dev.autost.domain.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WarmUpTest {
    @Test
    void positions_trainTheProxysBestAndOneInFourAtRandomFromTheRest() {
        List<Integer> p = WarmUp.positions(100, 8, 7);
        assertEquals(8, p.size());
        assertEquals(List.of(0, 1, 2, 3, 4, 5), p.subList(0, 6));
        assertTrue(p.get(6) >= 6 && p.get(7) > p.get(6), p.toString());
        assertEquals(p, WarmUp.positions(100, 8, 7), "the same seed, the same picks");
    }

    @Test
    void positions_theDefaultSeed_doesNotAlwaysPickTheNextInOrder() {
        long next = java.util.stream.LongStream.range(40, 50)
                .filter(seed -> WarmUp.positions(16, 4, seed).get(3) == 3)
                .count();
        assertTrue(next <= 3, next + " of 10 seeds picked position 3");
        assertTrue(
                WarmUp.positions(16, 4, 42).get(3) != 3,
                WarmUp.positions(16, 4, 42).toString());
    }

    @Test
    void positions_onePickOrAPoolNoLargerThanTheBudget_takesTheBest() {
        assertEquals(List.of(0), WarmUp.positions(50, 1, 3));
        assertEquals(List.of(0, 1, 2), WarmUp.positions(3, 6, 3));
    }
}
