package dev.autost.domain.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.autost.domain.cost.CostEstimate;
import dev.autost.domain.genome.Genome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingSelectionTest {

    private static int nextId;

    private static Trial trial(int depth, List<Double> ratios, List<Integer> heads, int d, double score) {
        Genome g = new Genome(depth, ratios, heads, d, 0);
        CostEstimate c = new CostEstimate(1, 1, 0, 32, 1, 0, 0, 1, 1);
        return new Trial(new Candidate(nextId++, 0, g), new Outcome(score, c));
    }

    /** Run A's FLOPs picks: one depth-4 shape four times, heads differing. */
    private static List<Trial> ranking() {
        List<Trial> r = new ArrayList<>();
        r.add(trial(4, List.of(2.0, 2.0, 2.0, 2.0), List.of(4, 8, 2, 8), 64, 10));
        r.add(trial(4, List.of(2.0, 2.0, 2.0, 2.0), List.of(8, 8, 8, 8), 64, 10));
        r.add(trial(4, List.of(2.0, 2.0, 2.0, 2.0), List.of(2, 2, 4, 4), 64, 10));
        r.add(trial(3, List.of(4.0, 2.0, 2.0), List.of(4, 4, 4), 64, 9));
        r.add(trial(3, List.of(2.0, 4.0, 2.0), List.of(2, 2, 2), 64, 8)); // same shape, ratios reordered
        r.add(trial(2, List.of(4.0, 4.0), List.of(8, 8), 48, 7));
        return r;
    }

    @Test
    void distinctShapes_nearDuplicatesInTheTop_bestOfEachShapeInRankOrder() {
        List<Trial> r = ranking();

        List<Trial> picked = TrainingSelection.DISTINCT_SHAPES.pick(r, 3);

        assertEquals(List.of(r.get(0), r.get(3), r.get(5)), picked);
    }

    @Test
    void topK_nearDuplicatesInTheTop_takesThemAsThePaperDoes() {
        List<Trial> r = ranking();

        assertEquals(r.subList(0, 3), TrainingSelection.TOP_K.pick(r, 3));
    }

    @Test
    void distinctShapes_fewerShapesThanK_fillsUpWithTheBestSkippedInRankOrder() {
        List<Trial> r = ranking();

        List<Trial> picked = TrainingSelection.DISTINCT_SHAPES.pick(r, 5);

        assertEquals(List.of(r.get(0), r.get(1), r.get(2), r.get(3), r.get(5)), picked);
    }

    @Test
    void pick_kLargerThanTheRanking_takesAll() {
        List<Trial> r = ranking();

        assertEquals(r, TrainingSelection.DISTINCT_SHAPES.pick(r, 100));
        assertEquals(List.of(), TrainingSelection.DISTINCT_SHAPES.pick(r, 0));
    }

    @Test
    void parse_namesAndDefault() {
        assertEquals(TrainingSelection.TOP_K, TrainingSelection.parse("top-k"));
        assertEquals(TrainingSelection.DISTINCT_SHAPES, TrainingSelection.parse(""));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> TrainingSelection.parse("diverse"));
        assertEquals("train selection 'diverse' is not one of top-k, distinct-shapes", e.getMessage());
    }
}
