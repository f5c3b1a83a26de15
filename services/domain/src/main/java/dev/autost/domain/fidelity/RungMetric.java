package dev.autost.domain.fidelity;

import java.util.List;
import java.util.Locale;

/**
 * What ranks a rung's finished candidates for promotion: their test accuracy after the rung's
 * epochs, or TSE, the sum of their training losses up to then (lower first; Ru et al., NeurIPS
 * 2021: a better predictor of final accuracy than an early test accuracy).
 */
public enum RungMetric {
    ACCURACY,
    TSE;

    /** The spec's name: {@code accuracy} or {@code tse}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param id {@code accuracy} or {@code tse}; empty means accuracy
     * @throws IllegalArgumentException naming the accepted values
     */
    public static RungMetric parse(String id) {
        if (id == null || id.isEmpty()) {
            return ACCURACY;
        }
        for (RungMetric m : values()) {
            if (m.id().equals(id.strip())) {
                return m;
            }
        }
        throw new IllegalArgumentException("rung_metric '" + id + "' is not one of accuracy, tse");
    }

    /**
     * A candidate's standing after {@code epochs} epochs, higher better: its test accuracy then,
     * or minus its training losses summed to then; negative infinity when its result does not go
     * that far (a result without losses ranks last under TSE).
     */
    public double at(List<Double> testAccuracies, List<Double> trainLosses, int epochs) {
        if (this == ACCURACY) {
            return testAccuracies.size() >= epochs ? testAccuracies.get(epochs - 1) : Double.NEGATIVE_INFINITY;
        }
        if (trainLosses.size() < epochs) {
            return Double.NEGATIVE_INFINITY;
        }
        double sum = 0;
        for (int e = 0; e < epochs; e++) {
            sum += trainLosses.get(e);
        }
        return Double.isNaN(sum) ? Double.NEGATIVE_INFINITY : -sum;
    }
}
