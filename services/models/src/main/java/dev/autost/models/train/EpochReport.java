package dev.autost.models.train;

import java.util.Map;

/**
 * What one epoch produced. Firing rates are measured on the test split in evaluation
 * mode, keyed by the cost model's neuron names.
 */
public record EpochReport(
        int epoch,
        double trainLoss,
        double trainAccuracy,
        double testAccuracy,
        double imagesPerSecond,
        double seconds,
        Map<String, Double> firingRates) {
    public EpochReport {
        firingRates = Map.copyOf(firingRates);
    }
}
