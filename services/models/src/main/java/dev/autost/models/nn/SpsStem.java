package dev.autost.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.autost.domain.model.Backbone;
import dev.autost.domain.model.ModelSetting;
import dev.autost.models.memory.Scoped;
import dev.autost.models.neuron.SpikingNeuron;
import java.util.ArrayList;
import java.util.List;

/**
 * Spiking patch splitting (SPS) stem: four stages Conv3x3 (no bias) → BN → neuron with
 * D/8, D/4, D/2, D channels, MaxPool(3, 2, 1) after the last log2(patch) stages, then
 * the relative position embedding Conv3x3 D→D → BN (→ neuron in Spikformer) added to
 * the stem output. AutoST has no neuron after stage 4 nor after the position conv.
 *
 * <p>In: {@code (T*B, C, H, W)}. Out: tokens {@code (T*B*N, D)}, token-major within an
 * image, N = side² after the pools.
 */
final class SpsStem extends SpikingModule {
    private static final Shape POOL_KERNEL = new Shape(3, 3);
    private static final Shape POOL_STRIDE = new Shape(2, 2);
    private static final Shape POOL_PAD = new Shape(1, 1);

    private final Conv3x3[] convs = new Conv3x3[ModelSetting.STEM_STAGES];
    private final Norm[] norms = new Norm[ModelSetting.STEM_STAGES];
    private final SpikingNeuron[] lifs = new SpikingNeuron[ModelSetting.STEM_STAGES];
    private final boolean[] pools = new boolean[ModelSetting.STEM_STAGES];
    private final Conv3x3 rpeConv;
    private final Norm rpeNorm;
    private final SpikingNeuron rpeLif;
    private final int embedDim;

    SpsStem(ModelSetting setting, int embedDim, Neurons neurons) {
        this.embedDim = embedDim;
        boolean autost = setting.backbone() == Backbone.AUTOST;
        long cin = setting.channels();
        for (int stage = 1; stage <= ModelSetting.STEM_STAGES; stage++) {
            long cout = embedDim >> (ModelSetting.STEM_STAGES - stage);
            int i = stage - 1;
            convs[i] = new Conv3x3(this, "conv" + stage, cin, cout);
            norms[i] = new Norm(this, "bn" + stage, cout);
            if (!(autost && stage == ModelSetting.STEM_STAGES)) {
                lifs[i] = child("lif" + stage, neurons.create("stem.lif" + stage, 1f));
            }
            pools[i] = setting.poolsAfterStage(stage);
            cin = cout;
        }
        rpeConv = new Conv3x3(this, "rpe_conv", embedDim, embedDim);
        rpeNorm = new Norm(this, "rpe_bn", embedDim);
        rpeLif = autost ? null : child("rpe_lif", neurons.create("stem.rpe_lif", 1f));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        // A stage at full resolution makes the largest arrays of the network: each stage keeps
        // only its output, so at most one stage's intermediates are alive at a time.
        for (int i = 0; i < convs.length; i++) {
            x = stage(i, ps, x, training);
        }
        NDArray stem = x;
        x = Scoped.keep(() -> {
            NDArray rpe = rpeNorm.apply(ps, rpeConv.apply(ps, stem, training), training);
            if (rpeLif != null) {
                rpe = forward(rpeLif, ps, rpe, training);
            }
            return stem.add(rpe);
        });
        long tb = x.getShape().get(0);
        // (T*B, D, h, w) -> (T*B, N, D) -> (T*B*N, D)
        return new NDList(x.reshape(tb, embedDim, -1).transpose(0, 2, 1).reshape(-1, embedDim));
    }

    /** Conv, BN, neuron (not after AutoST's last stage) and the pool where the setting has one. */
    private NDArray stage(int i, ParameterStore ps, NDArray in, boolean training) {
        return Scoped.keep(() -> {
            NDArray x = Scoped.keep(() -> norms[i].apply(ps, convs[i].apply(ps, in, training), training));
            if (lifs[i] != null) {
                x = forward(lifs[i], ps, x, training);
            }
            return pools[i] ? Pool.maxPool2d(x, POOL_KERNEL, POOL_STRIDE, POOL_PAD, false) : x;
        });
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(-1, embedDim)};
    }

    List<SpikingNeuron> neurons() {
        List<SpikingNeuron> out = new ArrayList<>();
        for (SpikingNeuron n : lifs) {
            if (n != null) {
                out.add(n);
            }
        }
        if (rpeLif != null) {
            out.add(rpeLif);
        }
        return out;
    }
}
