package dev.autost.domain.benchmark;

import dev.autost.domain.genome.Genome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One trained architecture of the table: its training-free metrics and what each epoch of its one
 * training gave (epoch 1 first; the last epoch is the table's top fidelity).
 *
 * @param genome              the architecture
 * @param metrics             training-free metrics by name, every one of {@link BenchmarkTable#METRICS}
 * @param seed                the training seed
 * @param epochTestAccuracies test accuracy after each epoch
 * @param epochTrainLosses    mean train loss of each epoch
 * @param epochTrainAccuracies train accuracy of each epoch
 * @param imagesPerSecond     training throughput of the last epoch
 * @param seconds             wall time of the whole job (proxies, epochs, evaluations)
 */
public record TableRow(
        Genome genome,
        Map<String, Double> metrics,
        long seed,
        List<Double> epochTestAccuracies,
        List<Double> epochTrainLosses,
        List<Double> epochTrainAccuracies,
        double imagesPerSecond,
        double seconds) {

    public TableRow {
        Objects.requireNonNull(genome, "genome");
        metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        for (String m : BenchmarkTable.METRICS) {
            if (!metrics.containsKey(m)) {
                throw new IllegalArgumentException("row of " + genome.hash() + " lacks metric " + m);
            }
        }
        epochTestAccuracies = List.copyOf(epochTestAccuracies);
        epochTrainLosses = List.copyOf(epochTrainLosses);
        epochTrainAccuracies = List.copyOf(epochTrainAccuracies);
        if (epochTestAccuracies.isEmpty()
                || epochTrainLosses.size() != epochTestAccuracies.size()
                || epochTrainAccuracies.size() != epochTestAccuracies.size()) {
            throw new IllegalArgumentException(
                    "row of " + genome.hash() + ": per-epoch columns of unequal or zero length");
        }
    }

    public String hash() {
        return genome.hash();
    }

    /** The proxies measured on the untrained network ({@code Objective.PROBE_METRICS}), by name. */
    public Map<String, Double> proxies() {
        Map<String, Double> p = new LinkedHashMap<>();
        for (String m : dev.autost.domain.search.Objective.PROBE_METRICS) {
            p.put(m, metrics.get(m));
        }
        return p;
    }

    /** Epochs trained (the number of fidelities). */
    public int epochs() {
        return epochTestAccuracies.size();
    }

    /** Test accuracy after {@code epoch} epochs (1-based). */
    public double testAccuracy(int epoch) {
        return epochTestAccuracies.get(epoch - 1);
    }

    /** Test accuracy at the top fidelity (the last epoch). */
    public double finalAccuracy() {
        return testAccuracy(epochs());
    }

    /** Sum of the train losses of the first {@code epoch} epochs (TSE, Ru et al. 2021): lower ranks better. */
    public double trainLossSum(int epoch) {
        double sum = 0;
        for (int e = 0; e < epoch; e++) {
            sum += epochTrainLosses.get(e);
        }
        return sum;
    }
}
