package dev.autost.domain.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RankCorrelationTest {
    // Hand-computed: 10 pairs, 8 concordant, 2 discordant -> tau = 0.6; sum d^2 = 4 -> rho = 1 - 24/120 = 0.8.
    private static final double[] X = {1, 2, 3, 4, 5};
    private static final double[] Y = {2, 1, 4, 3, 5};

    @Test
    void kendallAndSpearman_knownTable_matchHandComputation() {
        assertEquals(0.6, RankCorrelation.kendallTauB(X, Y), 1e-12);
        assertEquals(0.8, RankCorrelation.spearmanRho(X, Y), 1e-12);
    }

    @Test
    void kendallTauB_withTies_correctsForThem() {
        // x ties once (n1 = 1), 5 concordant, 0 discordant: tau-b = 5 / sqrt((6 - 1) * 6).
        double[] x = {1, 2, 2, 3};
        double[] y = {1, 3, 2, 4};
        assertEquals(5 / Math.sqrt(30), RankCorrelation.kendallTauB(x, y), 1e-12);
        // Ranks of x: 1, 2.5, 2.5, 4; of y: 1, 3, 2, 4 -> Pearson of the ranks.
        double[] rx = {1, 2.5, 2.5, 4};
        double[] ry = {1, 3, 2, 4};
        assertEquals(pearson(rx, ry), RankCorrelation.spearmanRho(x, y), 1e-12);
    }

    @Test
    void of_bootstrapInterval_containsTheEstimateAndIsSeeded() {
        double[] m = {3, 1, 4, 1.5, 5, 9, 2, 6, 5.5, 3.5, 8, 9.5};
        double[] a = {0.30, 0.12, 0.41, 0.2, 0.47, 0.9, 0.25, 0.5, 0.66, 0.28, 0.85, 0.8};
        RankCorrelation.Result r = RankCorrelation.of(m, a, 500, 7);
        assertEquals(12, r.kendallTauB().n());
        assertTrue(r.kendallTauB().low() <= r.kendallTauB().value()
                && r.kendallTauB().value() <= r.kendallTauB().high());
        assertTrue(r.spearmanRho().low() <= r.spearmanRho().value()
                && r.spearmanRho().value() <= r.spearmanRho().high());
        assertEquals(r, RankCorrelation.of(m, a, 500, 7));
    }

    @Test
    void of_tooFewPairs_givesNoInterval() {
        RankCorrelation.Result r = RankCorrelation.of(new double[] {1}, new double[] {0.5}, 100, 1);
        assertTrue(Double.isNaN(r.kendallTauB().value())
                && Double.isNaN(r.spearmanRho().low()));
    }

    private static double pearson(double[] x, double[] y) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i] / x.length;
            my += y[i] / y.length;
        }
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    /** Found by the fuzz suite: one NaN made commons-math throw, and the whole report failed. */
    @Test
    void of_nonFinitePairs_leftOutAndCounted() {
        double[] metric = {1, 2, Double.NaN, 3, 4, Double.POSITIVE_INFINITY};
        double[] acc = {0.1, 0.2, 0.9, 0.3, Double.NaN, 0.5};

        RankCorrelation.Result r = RankCorrelation.of(metric, acc, 200, 1);

        assertEquals(3, r.kendallTauB().n());
        assertEquals(1.0, r.kendallTauB().value(), 1e-12);
        assertEquals(1.0, r.spearmanRho().value(), 1e-12);
    }
}
