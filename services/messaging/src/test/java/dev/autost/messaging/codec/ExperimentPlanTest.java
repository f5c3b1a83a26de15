package dev.autost.messaging.codec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExperimentPlanTest {
    @Test
    void isValidId_onePlainPathSegment_isAccepted() {
        assertTrue(ExperimentPlan.isValidId("exp-1a2b3c"));
        assertTrue(ExperimentPlan.isValidId("study-small-42-1764400000000-random"));
        assertTrue(ExperimentPlan.isValidId("a.b"));
    }

    /** Trainers name checkpoint folders after the id: nothing may leave the checkpoint root. */
    @Test
    void isValidId_separatorsTraversalAndControlCharacters_areRefused() {
        for (String id : new String[] {"", ".", "..", "a/b", "/etc", "..\\x", "a\nb", "a\u0000b", "x".repeat(201)}) {
            assertFalse(ExperimentPlan.isValidId(id), "'" + id + "'");
        }
        assertFalse(ExperimentPlan.isValidId(null));
    }
}
