package dev.autost.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.autost.models.neuron.SpikingNeuron;

/**
 * The block's MLP, D → H → D with H = int(D · r).
 * Spikformer: LIF(BN(fc2(LIF(BN(fc1(x)))))). AutoST: BN(fc2(LIF(BN(fc1(LIF(x)))))).
 * Both name the neuron feeding fc2 {@code mlp.lif2} in AutoST and {@code mlp.lif1} in
 * Spikformer, as the cost model does. In and out: {@code (T*B*N, D)}.
 */
final class SpikingMlp extends SpikingModule {
    private final SpikingNeuron lif1;
    private final Dense fc1;
    private final Norm bn1;
    private final SpikingNeuron lif2;
    private final Dense fc2;
    private final Norm bn2;
    private final boolean preActivation;

    SpikingMlp(String prefix, int dim, int hidden, boolean preActivation, Neurons neurons) {
        if (hidden < 1) {
            throw new IllegalArgumentException(prefix + ": MLP hidden width must be at least 1, got " + hidden);
        }
        this.preActivation = preActivation;
        if (preActivation) {
            lif1 = child("lif1", neurons.create(prefix + "lif1", 1f));
            fc1 = new Dense(this, "fc1_linear", dim, hidden);
            bn1 = new Norm(this, "fc1_bn", hidden);
            lif2 = child("lif2", neurons.create(prefix + "lif2", 1f));
            fc2 = new Dense(this, "fc2_linear", hidden, dim);
            bn2 = new Norm(this, "fc2_bn", dim);
        } else {
            fc1 = new Dense(this, "fc1_linear", dim, hidden);
            bn1 = new Norm(this, "fc1_bn", hidden);
            lif1 = child("lif1", neurons.create(prefix + "lif1", 1f));
            fc2 = new Dense(this, "fc2_linear", hidden, dim);
            bn2 = new Norm(this, "fc2_bn", dim);
            lif2 = child("lif2", neurons.create(prefix + "lif2", 1f));
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        if (preActivation) {
            x = forward(lif1, ps, x, training);
            x = forward(lif2, ps, bn1.apply(ps, fc1.apply(ps, x, training), training), training);
            x = bn2.apply(ps, fc2.apply(ps, x, training), training);
        } else {
            x = forward(lif1, ps, bn1.apply(ps, fc1.apply(ps, x, training), training), training);
            x = forward(lif2, ps, bn2.apply(ps, fc2.apply(ps, x, training), training), training);
        }
        return new NDList(x);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
