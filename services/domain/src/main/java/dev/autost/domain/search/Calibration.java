package dev.autost.domain.search;

import dev.autost.domain.evaluation.RankCorrelation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rule of objective {@code calibrated}: of the candidate metrics, rank by the one whose
 * Kendall tau-b with the test accuracy of the candidates trained so far is highest (ties: the
 * earlier metric, cost metrics first). Pairs without a value (a candidate the probe gate left
 * unprobed) are left out of that metric's tau; a metric whose tau is undefined (constant values)
 * cannot win. With fewer than {@link #MIN_RESULTS} results, or no defined tau, the choice is the
 * paper's {@code flops_syops}, with the reason.
 */
public final class Calibration {
    /** First-generation candidates trained before the search goes on, by default. */
    public static final int DEFAULT_SIZE = 8;

    /** Fewer OK results than this say nothing about a ranking. */
    public static final int MIN_RESULTS = 3;

    /**
     * A choice.
     *
     * @param metric  the metric to rank by
     * @param trained results it was fitted on
     * @param taus    each candidate metric's tau (NaN where undefined), in the metrics' order
     * @param note    why it fell back to flops_syops, or empty
     */
    public record Choice(String metric, int trained, Map<String, Double> taus, String note) {
        public Choice {
            taus = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(taus));
        }
    }

    /** One trained candidate: what the search measured of it, and its test accuracy. */
    public record Result(ObjectiveScorer.Measurement measured, double testAccuracy) {}

    private Calibration() {}

    /**
     * The calibration sample of a first generation: the first candidate of each shape in ask order
     * (the first generation is a uniform sample of the feasible space, so is this), filled up with
     * the first repeats when it holds fewer than {@code k} shapes.
     */
    public static List<Candidate> sample(List<Candidate> firstGeneration, int k) {
        List<Candidate> inOrder = new ArrayList<>(firstGeneration);
        inOrder.sort(java.util.Comparator.comparingLong(Candidate::id));
        List<Candidate> picked = new ArrayList<>();
        List<Candidate> repeats = new ArrayList<>();
        java.util.Set<List<Object>> shapes = new java.util.HashSet<>();
        for (Candidate c : inOrder) {
            if (picked.size() < k && shapes.add(TrainingSelection.shape(c.genome()))) {
                picked.add(c);
            } else {
                repeats.add(c);
            }
        }
        for (int i = 0; picked.size() < k && i < repeats.size(); i++) {
            picked.add(repeats.get(i));
        }
        picked.sort(java.util.Comparator.comparingLong(Candidate::id));
        return picked;
    }

    /** Chooses among {@code metrics} by their tau with accuracy over {@code results}. */
    public static Choice choose(List<String> metrics, List<Result> results) {
        Map<String, Double> taus = new LinkedHashMap<>();
        String best = null;
        double bestTau = Double.NEGATIVE_INFINITY;
        for (String metric : metrics) {
            List<double[]> pairs = new ArrayList<>();
            for (Result r : results) {
                Double v = Objective.value(
                        metric, r.measured().cost(), r.measured().probes());
                if (v != null && Double.isFinite(v) && Double.isFinite(r.testAccuracy())) {
                    pairs.add(new double[] {v, r.testAccuracy()});
                }
            }
            double tau = Double.NaN;
            if (pairs.size() >= MIN_RESULTS) {
                double[] x = pairs.stream().mapToDouble(p -> p[0]).toArray();
                double[] y = pairs.stream().mapToDouble(p -> p[1]).toArray();
                tau = RankCorrelation.kendallTauB(x, y);
            }
            taus.put(metric, tau);
            if (!Double.isNaN(tau) && tau > bestTau) {
                bestTau = tau;
                best = metric;
            }
        }
        if (results.size() < MIN_RESULTS) {
            return new Choice(
                    Objective.FLOPS_SYOPS,
                    results.size(),
                    taus,
                    results.size() + " trained result(s), fewer than " + MIN_RESULTS + ": the paper's metric");
        }
        if (best == null) {
            return new Choice(
                    Objective.FLOPS_SYOPS, results.size(), taus, "no metric has a defined tau: the paper's metric");
        }
        return new Choice(best, results.size(), taus, "");
    }
}
