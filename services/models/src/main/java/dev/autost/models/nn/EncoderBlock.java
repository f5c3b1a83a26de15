package dev.autost.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.autost.models.memory.Scoped;

/** One transformer block: x = x + SSA(x); x = x + MLP(x). In and out: {@code (T*B*N, D)}. */
final class EncoderBlock extends SpikingModule {
    private final SpikingSelfAttention attn;
    private final SpikingMlp mlp;

    EncoderBlock(int index, int dim, int heads, int hidden, int tokens, boolean preActivation, Neurons neurons) {
        String prefix = "blocks." + index + ".";
        attn = child("attn", new SpikingSelfAttention(prefix + "attn.", dim, heads, tokens, preActivation, neurons));
        mlp = child("mlp", new SpikingMlp(prefix + "mlp.", dim, hidden, preActivation, neurons));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray in = inputs.singletonOrThrow();
        // Residual branches in their own scopes: only each sum outlives its branch.
        NDArray x = Scoped.keep(() -> in.add(forward(attn, ps, in, training)));
        NDArray y = x;
        return new NDList(Scoped.keep(() -> y.add(forward(mlp, ps, y, training))));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
