package dev.autost.domain.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.cost.CostModel;
import dev.autost.domain.search.ObjectiveScorer.Measurement;
import dev.autost.domain.space.SearchSpaces;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CalibrationTest {
    private static final CostModel COSTS =
            new CostModel(SearchSpaces.builtIn("fashion-micro").modelSetting());

    private static List<Candidate> candidates(int n) {
        SplittableRandom rng = new SplittableRandom(9);
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Candidate(i, 0, SearchSpaces.builtIn("fashion-micro").sample(rng)));
        }
        return out;
    }

    /** Results whose accuracy follows a made-up SAHD exactly and ignores size. */
    private static List<Calibration.Result> followingSahd(List<Candidate> cs) {
        List<Calibration.Result> out = new ArrayList<>();
        for (Candidate c : cs) {
            double sahd = (c.id() * 7) % 13;
            out.add(new Calibration.Result(
                    new Measurement(COSTS.estimate(c.genome()), Map.of("sahd", sahd, "naswot", 1.0), false),
                    0.5 + sahd / 100));
        }
        return out;
    }

    @Test
    void choose_accuracyFollowsOneMetric_choosesItWithTauOne() {
        Calibration.Choice c = Calibration.choose(Objective.ids(), followingSahd(candidates(8)));
        assertEquals("sahd", c.metric());
        assertEquals(1.0, c.taus().get("sahd"), 1e-12);
        assertTrue(Double.isNaN(c.taus().get("naswot")), "constant values: no tau");
        assertTrue(Double.isNaN(c.taus().get("energy_init_pj")), "never measured: no tau");
        assertEquals(8, c.trained());
        assertEquals("", c.note());
    }

    @Test
    void choose_tooFewResults_fallsBackToThePapersMetricSayingWhy() {
        Calibration.Choice c = Calibration.choose(Objective.ids(), followingSahd(candidates(2)));
        assertEquals(Objective.FLOPS_SYOPS, c.metric());
        assertTrue(c.note().contains("fewer than 3"), c.note());
    }

    @Test
    void choose_equalTaus_theEarlierMetricWins() {
        List<Calibration.Result> sizeOrdered = new ArrayList<>();
        for (Candidate c : candidates(8)) {
            var cost = COSTS.estimate(c.genome());
            sizeOrdered.add(new Calibration.Result(
                    new Measurement(cost, Map.of("sahd", cost.flopsSyops()), false), cost.flopsSyops()));
        }
        assertEquals(
                Objective.FLOPS_SYOPS,
                Calibration.choose(Objective.ids(), sizeOrdered).metric());
    }

    @Test
    void sample_firstGeneration_onePerShapeInAskOrderThenRepeats() {
        List<Candidate> gen = candidates(40);
        List<Candidate> sample = Calibration.sample(gen, 8);
        assertEquals(8, sample.size());
        Set<List<Object>> shapes = new HashSet<>();
        for (Candidate c : sample) {
            assertTrue(shapes.add(TrainingSelection.shape(c.genome())), "shape twice: " + c.genome());
        }
        List<Candidate> reversed = new ArrayList<>(gen);
        java.util.Collections.reverse(reversed);
        assertEquals(sample, Calibration.sample(reversed, 8), "ask order, not list order");
        assertEquals(40, Calibration.sample(gen, 40).size(), "filled up with repeats");
    }
}
