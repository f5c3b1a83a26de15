package dev.autost.domain.evaluation;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.correlation.KendallsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * How well a training-free metric ranks trained architectures: Kendall tau-b and Spearman rho
 * between the metric and test accuracy, each with a percentile bootstrap confidence interval.
 * Stateless; the bootstrap is seeded, so equal inputs give equal intervals.
 */
public final class RankCorrelation {
    /** Bootstrap resamples; enough for stable 95 % percentile bounds at n of tens to hundreds. */
    public static final int DEFAULT_RESAMPLES = 2000;

    private RankCorrelation() {}

    /**
     * One correlation with its interval.
     *
     * @param n     number of (metric, accuracy) pairs
     * @param value the estimate on all pairs (NaN when undefined: n < 2 or a constant column)
     * @param low   2.5th percentile of the bootstrap distribution
     * @param high  97.5th percentile
     */
    public record Estimate(int n, double value, double low, double high) {}

    /** Kendall tau-b and Spearman rho for one metric. */
    public record Result(Estimate kendallTauB, Estimate spearmanRho) {}

    /** Kendall's tau-b (ties in either column corrected), as Apache Commons Math computes it. */
    public static double kendallTauB(double[] x, double[] y) {
        check(x, y);
        return x.length < 2 ? Double.NaN : new KendallsCorrelation().correlation(x, y);
    }

    /** Spearman's rho: Pearson correlation of the ranks, ties given their average rank. */
    public static double spearmanRho(double[] x, double[] y) {
        check(x, y);
        return x.length < 2 ? Double.NaN : new SpearmansCorrelation().correlation(x, y);
    }

    /**
     * Both correlations with bootstrap intervals over {@code resamples} resamples of the pairs.
     * Pairs with a value that is not finite are left out ({@link Estimate#n()} counts the rest): a
     * proxy that came out NaN for one network must not void the correlation of every other.
     */
    public static Result of(double[] metricIn, double[] accuracyIn, int resamples, long seed) {
        check(metricIn, accuracyIn);
        int[] finite = java.util.stream.IntStream.range(0, metricIn.length)
                .filter(i -> Double.isFinite(metricIn[i]) && Double.isFinite(accuracyIn[i]))
                .toArray();
        double[] metric =
                java.util.Arrays.stream(finite).mapToDouble(i -> metricIn[i]).toArray();
        double[] accuracy =
                java.util.Arrays.stream(finite).mapToDouble(i -> accuracyIn[i]).toArray();
        int n = metric.length;
        double tau = kendallTauB(metric, accuracy);
        double rho = spearmanRho(metric, accuracy);
        if (n < 3 || resamples < 1) {
            return new Result(
                    new Estimate(n, tau, Double.NaN, Double.NaN), new Estimate(n, rho, Double.NaN, Double.NaN));
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] taus = new double[resamples];
        double[] rhos = new double[resamples];
        double[] x = new double[n];
        double[] y = new double[n];
        int kept = 0;
        for (int b = 0; b < resamples; b++) {
            for (int i = 0; i < n; i++) {
                int j = rng.nextInt(n);
                x[i] = metric[j];
                y[i] = accuracy[j];
            }
            double t = kendallTauB(x, y);
            double r = spearmanRho(x, y);
            // A resample with a constant column has no correlation; leave it out.
            if (!Double.isNaN(t) && !Double.isNaN(r)) {
                taus[kept] = t;
                rhos[kept] = r;
                kept++;
            }
        }
        return new Result(interval(n, tau, taus, kept), interval(n, rho, rhos, kept));
    }

    private static Estimate interval(int n, double value, double[] samples, int kept) {
        if (kept == 0) {
            return new Estimate(n, value, Double.NaN, Double.NaN);
        }
        double[] s = Arrays.copyOf(samples, kept);
        Arrays.sort(s);
        return new Estimate(n, value, percentile(s, 0.025), percentile(s, 0.975));
    }

    /** Linear interpolation between closest ranks. */
    static double percentile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    private static void check(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("columns differ in length: " + x.length + " vs " + y.length);
        }
    }
}
