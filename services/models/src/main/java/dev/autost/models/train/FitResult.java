package dev.autost.models.train;

import java.util.List;
import java.util.Map;

/**
 * Final outcome of a training run.
 *
 * @param testAccuracy       top-1 on the test split after the last epoch, 0..1
 * @param trainLoss          mean training loss of the last epoch
 * @param imagesPerSecond    training throughput of the last epoch run in this process
 * @param params             trainable parameters (equals the cost model's)
 * @param firingRates        per neuron layer after training (test split, eval mode)
 * @param initialFiringRates per neuron layer at initialisation
 * @param epochs             every epoch's report, including those before a resume
 */
public record FitResult(
        double testAccuracy,
        double trainLoss,
        double imagesPerSecond,
        long params,
        Map<String, Double> firingRates,
        Map<String, Double> initialFiringRates,
        List<EpochReport> epochs) {
    public FitResult {
        firingRates = Map.copyOf(firingRates);
        initialFiringRates = Map.copyOf(initialFiringRates);
        epochs = List.copyOf(epochs);
    }
}
