package dev.autost.domain.cost;

import static java.lang.Math.addExact;
import static java.lang.Math.multiplyExact;

import dev.autost.domain.model.Backbone;
import dev.autost.domain.model.ModelSetting;

/**
 * The one description of the model's arithmetic: walks the Spikformer/AutoST network
 * built for a genome and reports each module's operation count and parameters.
 * Everything else (totals, the closed form, {@code autost explain}) is derived from it.
 *
 * <p>Counting rules follow the official syops counter (reference §4): the T time steps
 * are folded into the batch, Linear counts input elements x out_features plus its bias
 * once per call, BatchNorm 2 x input elements, MaxPool and neurons 1 x input elements,
 * the head runs once per image on the mean over tokens and time. All arithmetic is
 * overflow-checked.
 */
final class ModelWalk {
    private ModelWalk() {}

    /**
     * @param hidden per-block MLP hidden widths
     * @param heads  per-block head counts (same length as hidden)
     */
    static void walk(ModelSetting setting, int embedDim, int timeSteps, int[] hidden, int[] heads, CostSink sink) {
        final boolean pre = setting.backbone() == Backbone.AUTOST;
        final long d = embedDim;
        final long t = timeSteps;
        final long plif = pre ? 1 : 0;

        // Stem: four conv stages with channels D/8, D/4, D/2, D; max-pools after the last log2(patch).
        long side = setting.imageSize();
        long cin = setting.channels();
        NetworkModule spikes = null;
        for (int stage = 1; stage <= ModelSetting.STEM_STAGES; stage++) {
            long cout = d >> (ModelSetting.STEM_STAGES - stage);
            long hw = multiplyExact(side, side);
            long conv = mul(hw, 9, cin, cout);
            emit(sink, -1, NetworkModule.stemConv(stage), mul(t, conv), 0, mul(t, conv), mul(9, cin, cout), spikes);
            long bn = mul(t, 2, cout, hw);
            emit(sink, -1, NetworkModule.stemBn(stage), bn, 0, bn, 2 * cout, null);
            // AutoST drops the neuron after the last stage: the stem ends in real values.
            boolean neuron = !(pre && stage == ModelSetting.STEM_STAGES);
            if (neuron) {
                long lif = mul(t, cout, hw);
                emit(sink, -1, NetworkModule.stemLif(stage), lif, 0, lif, plif, null);
            }
            NetworkModule out = neuron ? NetworkModule.stemLif(stage) : null;
            if (setting.poolsAfterStage(stage)) {
                long pool = mul(t, cout, hw);
                emit(sink, -1, NetworkModule.stemPool(stage), pool, 0, pool, 0, out);
                side = ModelSetting.pooledSide((int) side);
            }
            spikes = out;
            cin = cout;
        }
        final long n = multiplyExact(side, side);
        final long nd = mul(t, n, d);
        long rpe = mul(t, n, 9, d, d);
        emit(sink, -1, NetworkModule.RPE_CONV, rpe, 0, rpe, mul(9, d, d), spikes);
        emit(sink, -1, NetworkModule.RPE_BN, 2 * nd, 0, 2 * nd, 2 * d, null);
        if (!pre) {
            emit(sink, -1, NetworkModule.RPE_LIF, nd, 0, nd, 0, null);
        }
        emit(sink, -1, NetworkModule.RPE_ADD, 0, 0, nd, 0, null);

        final long ndd = mul(t, n, d, d);
        for (int i = 0; i < hidden.length; i++) {
            long hd = hidden[i];
            // Spiking self-attention.
            NetworkModule in = null;
            if (pre) {
                emit(sink, i, NetworkModule.ATTN_IN_LIF, nd, 0, nd, plif, null);
                in = NetworkModule.ATTN_IN_LIF;
            }
            emitQkv(sink, i, NetworkModule.Q_LINEAR, NetworkModule.Q_BN, NetworkModule.Q_LIF, nd, ndd, d, plif, in);
            emitQkv(sink, i, NetworkModule.K_LINEAR, NetworkModule.K_BN, NetworkModule.K_LIF, nd, ndd, d, plif, in);
            emitQkv(sink, i, NetworkModule.V_LINEAR, NetworkModule.V_BN, NetworkModule.V_LIF, nd, ndd, d, plif, in);
            long nnd = mul(t, n, n, d);
            emit(sink, i, NetworkModule.QK_MATMUL, 0, 0, nnd, 0, NetworkModule.Q_LIF);
            emit(sink, i, NetworkModule.ATTN_SCALE, 0, 0, mul(t, heads[i], n, n), 0, null);
            emit(sink, i, NetworkModule.AV_MATMUL, 0, 0, nnd, 0, NetworkModule.V_LIF);
            emit(sink, i, NetworkModule.ATTN_LIF, nd, 0, nd, plif, null);
            emit(sink, i, NetworkModule.PROJ_LINEAR, ndd, d, addExact(ndd, nd), d * d + d, NetworkModule.ATTN_LIF);
            emit(sink, i, NetworkModule.PROJ_BN, 2 * nd, 0, 2 * nd, 2 * d, null);
            if (!pre) {
                emit(sink, i, NetworkModule.PROJ_LIF, nd, 0, nd, 0, null);
            }
            emit(sink, i, NetworkModule.ATTN_RESIDUAL, 0, 0, nd, 0, null);

            // MLP: D -> hidden -> D.
            long nh = mul(t, n, hd);
            long ndh = mul(t, n, d, hd);
            NetworkModule fc1In = null;
            if (pre) {
                emit(sink, i, NetworkModule.MLP_LIF1, nd, 0, nd, plif, null);
                fc1In = NetworkModule.MLP_LIF1;
            }
            emit(sink, i, NetworkModule.FC1_LINEAR, ndh, hd, addExact(ndh, nh), mul(d, hd) + hd, fc1In);
            emit(sink, i, NetworkModule.FC1_BN, 2 * nh, 0, 2 * nh, 2 * hd, null);
            // Spikformer's neuron after fc1 and AutoST's before fc2 sit at the same place.
            NetworkModule fc2In = pre ? NetworkModule.MLP_LIF2 : NetworkModule.MLP_LIF1;
            emit(sink, i, fc2In, nh, 0, nh, plif, null);
            emit(sink, i, NetworkModule.FC2_LINEAR, ndh, d, addExact(ndh, nd), mul(d, hd) + d, fc2In);
            emit(sink, i, NetworkModule.FC2_BN, 2 * nd, 0, 2 * nd, 2 * d, null);
            if (!pre) {
                emit(sink, i, NetworkModule.MLP_LIF2, nd, 0, nd, 0, null);
            }
            emit(sink, i, NetworkModule.MLP_RESIDUAL, 0, 0, nd, 0, null);
        }

        // Head: mean over tokens, mean over time, one Linear per image.
        long classes = setting.classes();
        emit(sink, -1, NetworkModule.TOKEN_MEAN, 0, 0, nd, 0, null);
        emit(sink, -1, NetworkModule.TIME_MEAN, 0, 0, mul(t, d), 0, null);
        long head = multiplyExact(d, classes);
        emit(sink, -1, NetworkModule.HEAD_LINEAR, head, classes, addExact(head, classes), head + classes, null);
    }

    private static void emitQkv(
            CostSink sink,
            int block,
            NetworkModule linear,
            NetworkModule bn,
            NetworkModule lif,
            long nd,
            long ndd,
            long d,
            long plif,
            NetworkModule in) {
        emit(sink, block, linear, ndd, d, addExact(ndd, nd), d * d + d, in);
        emit(sink, block, bn, 2 * nd, 0, 2 * nd, 2 * d, null);
        emit(sink, block, lif, nd, 0, nd, plif, null);
    }

    private static void emit(
            CostSink sink,
            int block,
            NetworkModule m,
            long syops,
            long bias,
            long full,
            long params,
            NetworkModule spikeSource) {
        sink.module(block, m, syops, bias, full, params, spikeSource);
    }

    static long mul(long a, long b) {
        return multiplyExact(a, b);
    }

    static long mul(long a, long b, long c) {
        return multiplyExact(multiplyExact(a, b), c);
    }

    static long mul(long a, long b, long c, long e) {
        return multiplyExact(multiplyExact(multiplyExact(a, b), c), e);
    }

    static long mul(long a, long b, long c, long e, long f) {
        return multiplyExact(mul(a, b, c, e), f);
    }
}
