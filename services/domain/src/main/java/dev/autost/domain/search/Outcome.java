package dev.autost.domain.search;

import dev.autost.domain.cost.CostEstimate;
import java.util.Map;
import java.util.Objects;

/**
 * What evaluating a candidate produced.
 *
 * @param score objective to maximise (AutoST: the official FLOPs count)
 * @param cost  the candidate's costs; the multi-objective search minimises its energy
 * @param probes metrics measured on the untrained network ({@link Objective#PROBE_METRICS}), by
 *     name; empty when the candidate was not probed
 */
public record Outcome(double score, CostEstimate cost, Map<String, Double> probes) {
    /** An outcome of the cost model alone. */
    public Outcome(double score, CostEstimate cost) {
        this(score, cost, Map.of());
    }

    public Outcome {
        Objects.requireNonNull(cost, "cost");
        probes = Map.copyOf(probes);
        if (Double.isNaN(score)) {
            throw new IllegalArgumentException("score must be a number, got NaN");
        }
    }
}
