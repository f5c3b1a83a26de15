package dev.autost.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.autost.models.memory.Scoped;
import dev.autost.models.neuron.SpikingNeuron;

/**
 * Spiking self-attention without softmax: Q, K, V are spike tensors, attention is
 * {@code Q Kᵀ V · 0.125}, followed by a neuron with threshold 0.5 and the projection.
 *
 * <p>Spikformer: Q,K,V = LIF(BN(Linear(x))); out = LIF(BN(proj(attn_lif(...)))).
 * AutoST (pre-activation): s = in_lif(x); Q,K,V = LIF(BN(Linear(s))); out =
 * BN(proj(attn_lif(...))) — the block ends in real values.
 *
 * <p>Without softmax the product is associative, so it is computed as
 * {@code Q (Kᵀ V)}: (N·dh·dh) instead of (N·N·dh) per head, the same numbers (the
 * operands are 0/1 spikes, the partial sums small integers, exact in float32).
 *
 * <p>In and out: {@code (T*B*N, D)}.
 */
final class SpikingSelfAttention extends SpikingModule {
    /** Spikformer's fixed attention scale. */
    static final float SCALE = 0.125f;
    /** Threshold of the neuron after the attention product. */
    static final float ATTN_THRESHOLD = 0.5f;

    private final int dim;
    private final int heads;
    private final int tokens;
    private final SpikingNeuron inLif;
    private final Dense q;
    private final Dense k;
    private final Dense v;
    private final Norm qBn;
    private final Norm kBn;
    private final Norm vBn;
    private final SpikingNeuron qLif;
    private final SpikingNeuron kLif;
    private final SpikingNeuron vLif;
    private final SpikingNeuron attnLif;
    private final Dense proj;
    private final Norm projBn;
    private final SpikingNeuron projLif;

    SpikingSelfAttention(String prefix, int dim, int heads, int tokens, boolean preActivation, Neurons neurons) {
        if (dim % heads != 0) {
            throw new IllegalArgumentException(prefix + ": embed_dim " + dim + " is not divisible by heads " + heads);
        }
        this.dim = dim;
        this.heads = heads;
        this.tokens = tokens;
        inLif = preActivation ? child("in_lif", neurons.create(prefix + "in_lif", 1f)) : null;
        q = new Dense(this, "q_linear", dim, dim);
        qBn = new Norm(this, "q_bn", dim);
        qLif = child("q_lif", neurons.create(prefix + "q_lif", 1f));
        k = new Dense(this, "k_linear", dim, dim);
        kBn = new Norm(this, "k_bn", dim);
        kLif = child("k_lif", neurons.create(prefix + "k_lif", 1f));
        v = new Dense(this, "v_linear", dim, dim);
        vBn = new Norm(this, "v_bn", dim);
        vLif = child("v_lif", neurons.create(prefix + "v_lif", 1f));
        attnLif = child("attn_lif", neurons.create(prefix + "attn_lif", ATTN_THRESHOLD));
        proj = new Dense(this, "proj_linear", dim, dim);
        projBn = new Norm(this, "proj_bn", dim);
        projLif = preActivation ? null : child("proj_lif", neurons.create(prefix + "proj_lif", 1f));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        if (inLif != null) {
            x = forward(inLif, ps, x, training);
        }
        long rows = x.getShape().get(0);
        long images = rows / tokens; // T*B
        int dh = dim / heads;
        NDArray in = x;
        NDArray qs = Scoped.keep(() ->
                heads(forward(qLif, ps, qBn.apply(ps, q.apply(ps, in, training), training), training), images, dh));
        NDArray ks = Scoped.keep(() ->
                heads(forward(kLif, ps, kBn.apply(ps, k.apply(ps, in, training), training), training), images, dh));
        NDArray vs = Scoped.keep(() ->
                heads(forward(vLif, ps, vBn.apply(ps, v.apply(ps, in, training), training), training), images, dh));
        NDArray scale = x.getManager().full(new Shape(), SCALE);
        NDArray kv = ks.transpose(0, 1, 3, 2).matMul(vs).mul(scale); // (T*B, h, dh, dh)
        NDArray y = qs.matMul(kv).transpose(0, 2, 1, 3).reshape(rows, dim);
        y = forward(attnLif, ps, y, training);
        y = projBn.apply(ps, proj.apply(ps, y, training), training);
        if (projLif != null) {
            y = forward(projLif, ps, y, training);
        }
        return new NDList(y);
    }

    /** (T*B*N, D) -> (T*B, h, N, dh). */
    private NDArray heads(NDArray x, long images, int dh) {
        return x.reshape(images, tokens, heads, dh).transpose(0, 2, 1, 3);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
