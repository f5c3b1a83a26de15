package dev.autost.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.proto.v1.ExperimentSpec;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Successive halving's keys and the size limit as a lab submits them; the rest is covered through the API's HTTP tests. */
class SubmissionParserTest {
    private static final SubmissionParser PARSER = new SubmissionParser(Clock.systemUTC());

    private static String refusal(String body) {
        return assertThrows(SubmissionParser.BadSubmissionException.class, () -> PARSER.parse(body))
                .getMessage();
    }

    @Test
    void parse_rungEpochs_listOrText_setTheScheduleAndTheTopRungsEpochs() {
        ExperimentSpec list = PARSER.parse(
                "{space: fashion-micro, train_top_k: 9, rung_epochs: [1, 3, 9], eta: 3, train_budget_epochs: 21}");
        assertEquals(List.of(1, 3, 9), list.getRungEpochsList());
        assertEquals(3, list.getEta());
        assertEquals(21, list.getTrainBudgetEpochs());
        assertEquals(0, list.getEpochs(), "the top rung's, as the sampler reads 0");
        ExperimentSpec text = PARSER.parse("{space: fashion-micro, train_top_k: 9, rung_epochs: '1,3,9'}");
        assertEquals(List.of(1, 3, 9), text.getRungEpochsList());
        assertEquals(0, PARSER.parse("{space: fashion-micro}").getRungEpochsCount());
    }

    @Test
    void parse_badHalving_refusedNamingTheField() {
        assertTrue(refusal("{space: fashion-micro, train_top_k: 3, rung_epochs: [3, 1]}")
                .contains("rung_epochs"));
        assertTrue(refusal("{space: fashion-micro, train_top_k: 3, rung_epochs: [1, x]}")
                .contains("rung_epochs"));
        assertTrue(refusal("{space: fashion-micro, train_top_k: 3, eta: 3}").contains("need rung_epochs"));
        assertTrue(refusal("{space: fashion-micro, rung_epochs: [1, 3]}").contains("nothing would train"));
        assertTrue(refusal("{space: fashion-micro, train_top_k: 3, rung_epochs: [1, 3], eta: 1}")
                .contains("eta"));
        assertTrue(refusal("{space: fashion-micro, train_top_k: 3, rung_epochs: [1, 3], epochs: 2}")
                .contains("top rung"));
    }

    /** Within each field's bound, yet 10^9 candidates: refused before anything is published. */
    @Test
    void parse_billionCandidates_refusedNamingTheLimit() {
        String refusal = refusal("{space: small, population: 100000, generations: 10000}");
        assertTrue(refusal.contains("over the limit of 500000 candidates per experiment"), refusal);
    }
}
