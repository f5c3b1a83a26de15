package dev.autost.domain.fidelity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RungScheduleTest {
    private static final RungSchedule ASHA = RungSchedule.parse("1,3,9", 3);

    @Test
    void worstCaseEpochs_nineEntrants_countsContinuedRunsOnce() {
        // 9 x 1 epoch, 3 go on for 2 more, 1 for 6 more: 9 + 6 + 6.
        assertEquals(List.of(9, 3, 1), ASHA.rungSizes(9));
        assertEquals(21, ASHA.worstCaseEpochs(9));
        assertEquals(0, ASHA.worstCaseEpochs(0));
    }

    @Test
    void entrantsWithin_budget_takesTheMostThatFit() {
        assertEquals(9, ASHA.entrantsWithin(21, 100), "10 entrants would cost 22");
        assertEquals(5, ASHA.entrantsWithin(100, 5), "no more than the search offers");
        assertEquals(0, ASHA.entrantsWithin(0, 5));
        for (int budget = 0; budget < 200; budget++) {
            assertTrue(ASHA.worstCaseEpochs(ASHA.entrantsWithin(budget, 1000)) <= budget);
        }
    }

    @Test
    void parse_badRungs_refusedByName() {
        assertThrows(IllegalArgumentException.class, () -> RungSchedule.parse("3,1", 3), "not increasing");
        assertThrows(IllegalArgumentException.class, () -> RungSchedule.parse("0,1", 3), "zero epochs");
        assertThrows(IllegalArgumentException.class, () -> RungSchedule.parse("1,x", 3), "not a number");
        IllegalArgumentException eta = assertThrows(IllegalArgumentException.class, () -> RungSchedule.parse("1,3", 1));
        assertTrue(eta.getMessage().contains("eta"), eta.getMessage());
        assertEquals(9, RungSchedule.parse(" 1, 3 ,9", 3).topEpochs());
    }
}
