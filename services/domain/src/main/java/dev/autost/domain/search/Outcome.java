package dev.autost.domain.search;

import dev.autost.domain.cost.CostEstimate;
import java.util.Objects;

/**
 * What evaluating a candidate produced.
 *
 * @param score objective to maximise (AutoST: the official FLOPs count)
 * @param cost  the candidate's costs; the multi-objective search minimises its energy
 */
public record Outcome(double score, CostEstimate cost) {
    public Outcome {
        Objects.requireNonNull(cost, "cost");
        if (Double.isNaN(score)) {
            throw new IllegalArgumentException("score must be a number, got NaN");
        }
    }
}
