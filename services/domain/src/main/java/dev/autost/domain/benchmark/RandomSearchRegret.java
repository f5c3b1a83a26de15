package dev.autost.domain.benchmark;

import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.util.CombinatoricsUtils;

/**
 * What random search finds in a table, exactly rather than by simulation: with {@code k}
 * trainings of distinct architectures drawn uniformly from the {@code n} rows, the best accuracy
 * is the i-th smallest with probability {@code C(i-1, k-1) / C(n, k)}.
 */
public final class RandomSearchRegret {
    private final double[] sorted;

    /** @param accuracies one figure per architecture (the table's top fidelity, say) */
    public RandomSearchRegret(List<Double> accuracies) {
        if (accuracies.isEmpty()) {
            throw new IllegalArgumentException("no accuracies");
        }
        sorted = accuracies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    public int size() {
        return sorted.length;
    }

    public double best() {
        return sorted[sorted.length - 1];
    }

    public double worst() {
        return sorted[0];
    }

    public double median() {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Expected best accuracy of {@code k} distinct uniform draws. */
    public double expectedBest(int k) {
        int n = sorted.length;
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k must be in [1, " + n + "], got " + k);
        }
        double total = CombinatoricsUtils.binomialCoefficientLog(n, k);
        double sum = 0;
        for (int i = k; i <= n; i++) { // the i-th smallest (1-based) can be the best only if i >= k
            sum += sorted[i - 1] * Math.exp(CombinatoricsUtils.binomialCoefficientLog(i - 1, k - 1) - total);
        }
        return sum;
    }

    /** Expected regret of {@code k} draws: the table's best minus {@link #expectedBest}. */
    public double expectedRegret(int k) {
        return best() - expectedBest(k);
    }

    @Override
    public String toString() {
        return "RandomSearchRegret" + Arrays.toString(sorted);
    }
}
