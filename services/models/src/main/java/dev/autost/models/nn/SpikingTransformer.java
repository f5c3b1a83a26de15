package dev.autost.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.model.Backbone;
import dev.autost.domain.model.ModelSetting;
import dev.autost.models.memory.Scoped;
import dev.autost.models.neuron.NeuronKind;
import dev.autost.models.neuron.SpikingNeuron;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The Spikformer / AutoST network for one genome and model setting, as described in
 * {@code docs/cost-model.md}: SPS stem, {@code depth} encoder blocks with per-layer
 * heads and MLP ratio, head = mean over tokens and T, then Linear D → classes.
 *
 * <p>In: images {@code (B, C, H, W)}, already normalised; the static image is repeated
 * T times and the T steps are folded into the batch (time-major). Out: logits
 * {@code (B, classes)}.
 *
 * <p>The trainable parameter count equals {@link CostModel#params(Genome)} for the same
 * setting; neuron names equal the cost model's qualified module names, so measured
 * firing rates feed {@code FiringRates.perLayer} unchanged.
 */
public final class SpikingTransformer extends SpikingModule {
    private final Genome genome;
    private final ModelSetting setting;
    private final int timeSteps;
    private final int embedDim;
    private final SpsStem stem;
    private final List<EncoderBlock> blocks = new ArrayList<>();
    private final Dense head;
    private final Map<String, SpikingNeuron> neurons;

    private SpikingTransformer(Genome genome, ModelSetting setting) {
        this.genome = genome;
        this.setting = setting;
        this.timeSteps = genome.timeStepsOr(setting.timeSteps());
        this.embedDim = genome.embedDim();
        boolean pre = setting.backbone() == Backbone.AUTOST;
        Neurons factory = new Neurons(pre ? NeuronKind.PLIF : NeuronKind.LIF, timeSteps);
        stem = child("stem", new SpsStem(setting, embedDim, factory));
        int tokens = setting.tokens();
        for (int i = 0; i < genome.depth(); i++) {
            blocks.add(child(
                    "block" + i,
                    new EncoderBlock(
                            i, embedDim, genome.numHeads().get(i), genome.hiddenWidth(i), tokens, pre, factory)));
        }
        head = new Dense(this, "head.linear", embedDim, setting.classes());
        neurons = factory.all();
    }

    /**
     * Builds the (uninitialised) model; call {@code initialize(manager, FLOAT32, inputShape())}
     * or load parameters before use.
     *
     * @throws dev.autost.domain.genome.InvalidGenomeException when the cost model refuses the
     *         genome (D not divisible by 8 or by a head count, an empty MLP)
     */
    public static SpikingTransformer build(Genome genome, ModelSetting setting) {
        Objects.requireNonNull(genome, "genome");
        Objects.requireNonNull(setting, "setting");
        new CostModel(setting).check(genome);
        return new SpikingTransformer(genome, setting);
    }

    public Genome genome() {
        return genome;
    }

    public ModelSetting setting() {
        return setting;
    }

    public int timeSteps() {
        return timeSteps;
    }

    /** Shape of one input batch of {@code batch} images. */
    public Shape inputShape(int batch) {
        return new Shape(batch, setting.channels(), setting.imageSize(), setting.imageSize());
    }

    /** Every neuron layer by qualified name, in forward order. */
    public Map<String, SpikingNeuron> neurons() {
        return neurons;
    }

    /** Number of trainable scalars, from the declared shapes (no arrays needed). */
    public long trainableParameterCount() {
        long n = 0;
        for (Parameter p : getParameters().values()) {
            if (p.requiresGradient()) {
                n += p.getShape().size();
            }
        }
        return n;
    }

    /** Starts every neuron's firing-rate meter. */
    public void startRecording() {
        neurons.values().forEach(SpikingNeuron::startRecording);
    }

    /** Stops the meters and returns each layer's mean firing rate (layers that never ran are left out). */
    public Map<String, Double> stopRecording() {
        Map<String, Double> rates = new TreeMap<>();
        for (SpikingNeuron n : neurons.values()) {
            n.stopRecording();
            double r = n.firingRate();
            if (!Double.isNaN(r)) {
                rates.put(n.name(), r);
            }
        }
        return Collections.unmodifiableMap(rates);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray images = inputs.singletonOrThrow();
        long batch = images.getShape().get(0);
        NDArray x = images.tile(new long[] {timeSteps, 1, 1, 1}); // (T*B, C, H, W), time-major
        x = scoped(stem, ps, x, training);
        for (EncoderBlock b : blocks) {
            x = scoped(b, ps, x, training);
        }
        // (T*B*N, D) -> (T, B, N, D), mean over T and tokens -> (B, D)
        NDArray pooled =
                x.reshape(timeSteps, batch, -1, embedDim).mean(new int[] {2}).mean(new int[] {0});
        return new NDList(head.apply(ps, pooled, training));
    }

    /**
     * One stage's forward pass whose intermediates are closed when it returns ({@link Scoped});
     * DJL would otherwise keep every array a forward pass made until the training step ends.
     */
    private NDArray scoped(SpikingModule stage, ParameterStore ps, NDArray x, boolean training) {
        return Scoped.keep(() -> forward(stage, ps, x, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), setting.classes())};
    }

    @Override
    public String toString() {
        return setting.backbone().id() + " " + genome.canonicalJson() + " T=" + timeSteps + " on " + setting.imageSize()
                + "x" + setting.imageSize() + "x" + setting.channels();
    }
}
