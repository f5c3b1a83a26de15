package dev.autost.domain.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.search.ObjectiveScorer.Measurement;
import dev.autost.domain.search.ObjectiveScorer.Told;
import dev.autost.domain.space.SearchSpaces;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ObjectiveScorerTest {
    private static final CostModel COSTS =
            new CostModel(SearchSpaces.builtIn("fashion-micro").modelSetting());

    private static List<Candidate> generation(int generation, long firstId, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Candidate(
                    firstId + i,
                    generation,
                    SearchSpaces.builtIn("fashion-micro").sample(rng)));
        }
        return out;
    }

    /** A made-up SAHD from the candidate's id, so it disagrees with FLOPs. */
    private static Measurement measured(Candidate c) {
        return new Measurement(COSTS.estimate(c.genome()), Map.of("sahd", (double) ((c.id() * 7) % 11)), false);
    }

    @Test
    void offer_singleMetric_scoresAtOnce() {
        ObjectiveScorer s = new ObjectiveScorer(Objective.parse("sahd"));
        List<Candidate> gen = generation(0, 0, 3, 1);
        s.asked(gen);
        List<Told> told = s.offer(2, measured(gen.get(2)));
        assertEquals(1, told.size());
        assertEquals((double) ((2 * 7) % 11), told.get(0).outcome().score());
    }

    @Test
    void offer_rankMean_holdsTheFirstGenerationThenScoresItWhateverTheOrder() {
        List<Candidate> gen0 = generation(0, 0, 8, 2);
        Map<Long, Double> expected = null;
        Random rnd = new Random(4);
        for (int trial = 0; trial < 5; trial++) {
            ObjectiveScorer s = new ObjectiveScorer(Objective.parse("rank-mean:sahd,flops_syops"));
            s.asked(gen0);
            List<Candidate> order = new ArrayList<>(gen0);
            Collections.shuffle(order, rnd);
            Map<Long, Double> scores = new TreeMap<>();
            for (int i = 0; i < order.size(); i++) {
                List<Told> told = s.offer(order.get(i).id(), measured(order.get(i)));
                if (i < order.size() - 1) {
                    assertTrue(told.isEmpty(), "held until the reference generation is complete");
                } else {
                    assertEquals(8, told.size());
                    told.forEach(t -> scores.put(t.candidateId(), t.outcome().score()));
                }
            }
            if (expected == null) {
                expected = scores;
            }
            assertEquals(expected, scores, "independent of arrival order");
        }
        for (double v : expected.values()) {
            assertTrue(v > 0 && v < 1, "a mean of mid-rank percentiles: " + v);
        }
    }

    @Test
    void offer_rankMean_laterCandidatesScoreAgainstTheFirstGeneration() {
        ObjectiveScorer s = new ObjectiveScorer(Objective.parse("rank-mean:params,flops_syops"));
        List<Candidate> gen0 = generation(0, 0, 4, 3);
        s.asked(gen0);
        gen0.forEach(c -> s.offer(c.id(), Measurement.ofCost(COSTS.estimate(c.genome()))));
        // Larger than every reference network on both metrics: percentile 1 on each.
        Genome big = new Genome(4, List.of(4.0, 4.0, 4.0, 4.0), List.of(4, 4, 4, 4), 64, 0);
        Candidate later = new Candidate(4, 1, big);
        s.asked(List.of(later));
        List<Told> told = s.offer(4, Measurement.ofCost(COSTS.estimate(big)));
        assertEquals(1.0, told.get(0).outcome().score());
    }

    @Test
    void percentile_countsHalfOfTheTies() {
        double[] ref = {1, 2, 2, 3};
        assertEquals(0.0, ObjectiveScorer.percentile(ref, 0.5));
        assertEquals(0.5, ObjectiveScorer.percentile(ref, 2));
        assertEquals(1.0, ObjectiveScorer.percentile(ref, 9));
        assertEquals(0.125, ObjectiveScorer.percentile(ref, 1));
        assertEquals(
                0.0,
                ObjectiveScorer.percentile(new double[] {Double.NEGATIVE_INFINITY, 1}, Double.NEGATIVE_INFINITY)
                        - 0.25);
        assertEquals(0.5, ObjectiveScorer.percentile(new double[0], 3));
    }

    @Test
    void offer_probeSkipped_ranksLastAndCountsOnlyItsCostInTheReference() {
        ObjectiveScorer s = new ObjectiveScorer(Objective.parse("rank-mean:sahd,flops_syops"));
        List<Candidate> gen0 = generation(0, 0, 2, 5);
        s.asked(gen0);
        Measurement skipped = new Measurement(COSTS.estimate(gen0.get(1).genome()), Map.of(), true);
        assertTrue(s.complete(skipped));
        assertTrue(s.offer(1, skipped).isEmpty());
        List<Told> told = s.offer(0, measured(gen0.get(0)));
        Map<Long, Double> scores = new TreeMap<>();
        told.forEach(t -> scores.put(t.candidateId(), t.outcome().score()));
        assertEquals(Double.NEGATIVE_INFINITY, scores.get(1L));
        assertTrue(Double.isFinite(scores.get(0L)));
    }

    @Test
    void offer_withoutTheObjectivesMetric_isRefused() {
        ObjectiveScorer s = new ObjectiveScorer(Objective.parse("sahd"));
        List<Candidate> gen = generation(0, 0, 1, 6);
        s.asked(gen);
        Measurement unprobed = Measurement.ofCost(COSTS.estimate(gen.get(0).genome()));
        assertFalse(s.complete(unprobed));
        assertThrows(IllegalArgumentException.class, () -> s.offer(0, unprobed));
    }

    /** Every metric an objective calibrated reads, made up from the candidate's id. */
    private static Measurement fullyMeasured(Candidate c) {
        return new Measurement(
                COSTS.estimate(c.genome()),
                Map.of("sahd", (double) ((c.id() * 7) % 11), "naswot", 1.0, "energy_init_pj", 2.0),
                false);
    }

    @Test
    void offer_calibrated_holdsTheFirstGenerationUntilAMetricIsChosen_laterChoicesApplyFromTheirGeneration() {
        ObjectiveScorer s = new ObjectiveScorer(Objective.parse("calibrated"));
        List<Candidate> gen0 = generation(0, 0, 8, 3);
        s.asked(gen0);
        for (Candidate c : gen0) {
            assertTrue(s.offer(c.id(), fullyMeasured(c)).isEmpty(), "held");
        }
        assertTrue(s.waitingForCalibration());
        List<Told> told = s.calibrate(0, "sahd");
        assertEquals(8, told.size());
        assertFalse(s.waitingForCalibration());
        // Percentiles of SAHD among the first generation: the highest SAHD scores highest.
        Told best = told.stream()
                .max(java.util.Comparator.comparingDouble(t -> t.outcome().score()))
                .orElseThrow();
        double maxSahd = gen0.stream().mapToDouble(c -> (c.id() * 7) % 11).max().orElseThrow();
        assertEquals(maxSahd, (double) ((best.candidateId() * 7) % 11));

        s.calibrate(2, "params");
        List<Candidate> gen1 = generation(1, 8, 2, 4);
        List<Candidate> gen2 = generation(2, 10, 2, 4); // the same genomes as gen1, another generation
        s.asked(gen1);
        s.asked(gen2);
        double bySahd = s.offer(8, fullyMeasured(gen1.get(0))).get(0).outcome().score();
        double byParams =
                s.offer(10, fullyMeasured(gen2.get(0))).get(0).outcome().score();
        assertEquals(ObjectiveScorer.percentile(sortedReference(gen0, "sahd"), (8 * 7) % 11), bySahd);
        assertEquals(
                ObjectiveScorer.percentile(
                        sortedReference(gen0, "params"),
                        COSTS.estimate(gen2.get(0).genome()).params()),
                byParams);
        assertEquals("sahd", s.metricFor(1));
        assertEquals("params", s.metricFor(5));
    }

    private static double[] sortedReference(List<Candidate> gen, String metric) {
        return gen.stream()
                .mapToDouble(c -> Objective.value(
                        metric, COSTS.estimate(c.genome()), fullyMeasured(c).probes()))
                .sorted()
                .toArray();
    }
}
