package dev.autost.models.train;

import dev.autost.domain.cost.CostModel;
import dev.autost.domain.cost.LayerCost;
import dev.autost.domain.cost.OpKind;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.model.ModelSetting;

/**
 * Resident memory one training job needs, estimated from the cost model's walk before anything is
 * built, so a trainer can refuse a genome that would not fit instead of being killed by it.
 *
 * <p>The spiking neurons dominate: backward needs several arrays per neuron element and time step
 * (membrane, surrogate, spike, reset), so training memory is taken as proportional to the neuron
 * elements of a batch, summed over the network (autograd keeps every layer until backward).
 * Evaluation keeps no graph and frees each layer's arrays when it is done ({@code Scoped}), so its
 * peak is proportional to the largest single neuron layer at the evaluation batch. Parameters
 * count four times (weights, gradients, AdamW's two moments). The factors are calibrated on this
 * implementation and kept on the safe side; docs/training.md gives the measurements.
 *
 * @param baseBytes           the process before any model: JVM, libtorch, loaded datasets
 * @param parameterBytes      weights, gradients and optimiser state
 * @param trainingBytes       activations of one training step
 * @param evaluationBytes     activations of one evaluation batch
 */
public record MemoryEstimate(long baseBytes, long parameterBytes, long trainingBytes, long evaluationBytes) {
    /** A trainer process before its first model (measured: 0.45-0.6 GB resident). */
    public static final long BASE_BYTES = 700L << 20;

    /** Bytes per neuron element (T folded in) of a training batch. */
    static final double TRAINING_BYTES_PER_NEURON_ELEMENT = 4.0 * 10;

    /** Bytes per element of the largest neuron layer (T folded in) of an evaluation batch. */
    static final double EVALUATION_BYTES_PER_NEURON_ELEMENT = 4.0 * 6;

    /** The estimate for training {@code genome} in {@code setting} with {@code recipe}'s batch sizes. */
    public static MemoryEstimate of(Genome genome, ModelSetting setting, Recipe recipe) {
        CostModel model = new CostModel(setting);
        long neuronElements = 0;
        long largestNeuron = 0;
        for (LayerCost m : model.explain(genome).modules()) {
            if (m.kind() == OpKind.NEURON) {
                // A neuron makes one operation per input element and time step.
                neuronElements += m.full();
                largestNeuron = Math.max(largestNeuron, m.full());
            }
        }
        long params = model.params(genome);
        return new MemoryEstimate(
                BASE_BYTES,
                params * 4 * Float.BYTES,
                (long) (TRAINING_BYTES_PER_NEURON_ELEMENT * neuronElements * recipe.batchSize()),
                (long) (EVALUATION_BYTES_PER_NEURON_ELEMENT * largestNeuron * recipe.evalBatchSize()));
    }

    /** What the job adds to the process at its peak (training step or evaluation batch). */
    public long jobBytes() {
        return parameterBytes + Math.max(trainingBytes, evaluationBytes);
    }

    /** The process's peak with this one job: base plus the job. */
    public long peakBytes() {
        return baseBytes + jobBytes();
    }

    @Override
    public String toString() {
        return String.format(
                java.util.Locale.ROOT,
                "%.2f GB (training step %.2f GB, evaluation batch %.2f GB, parameters and optimiser %.3f GB, process %.2f GB)",
                gb(peakBytes()),
                gb(trainingBytes),
                gb(evaluationBytes),
                gb(parameterBytes),
                gb(baseBytes));
    }

    static double gb(long bytes) {
        return bytes / 1e9;
    }
}
