package dev.autost.domain.cost;

import static java.lang.Math.addExact;
import static java.lang.Math.multiplyExact;

/**
 * Exact integer totals of one walk, split by how each operation is classified for
 * energy. Linear in depth, in the sum of hidden widths and in the sum of head counts,
 * which is what lets {@link CostModel} score a genome in closed form. Mutable; used
 * by one thread at a time.
 */
final class CostTotals implements CostSink {
    static final int PARAMS = 0;
    /** Official count without per-call bias. */
    static final int SYOPS = 1;
    /** Official per-call bias additions (divided by the counter's batch later). */
    static final int SYOPS_BIAS = 2;
    /** Official ops of neurons: always accumulates. */
    static final int NEURON_OPS = 3;
    /** Official ops of modules fed by spikes: accumulates, scaled by the firing rate. */
    static final int SPIKE_OPS = 4;

    static final int SPIKE_BIAS = 5;
    /** Official ops of modules fed by real values: multiply-accumulates. */
    static final int REAL_OPS = 6;

    static final int REAL_BIAS = 7;
    /** Every op, bias per output element, matmuls, scale, adds and means included. */
    static final int FULL = 8;
    /** Full-count ops that are accumulates regardless of input: neurons, adds, means. */
    static final int FULL_ACCUMULATE = 9;

    static final int FULL_SPIKE = 10;
    static final int FULL_REAL = 11;
    static final int SIZE = 12;

    final long[] v = new long[SIZE];

    @Override
    public void module(
            int block,
            NetworkModule m,
            long syops,
            long biasPerCall,
            long full,
            long params,
            NetworkModule spikeSource) {
        v[PARAMS] = addExact(v[PARAMS], params);
        v[SYOPS] = addExact(v[SYOPS], syops);
        v[SYOPS_BIAS] = addExact(v[SYOPS_BIAS], biasPerCall);
        v[FULL] = addExact(v[FULL], full);
        OpKind kind = m.kind();
        if (kind == OpKind.NEURON) {
            v[NEURON_OPS] = addExact(v[NEURON_OPS], syops);
        } else if (spikeSource != null) {
            v[SPIKE_OPS] = addExact(v[SPIKE_OPS], syops);
            v[SPIKE_BIAS] = addExact(v[SPIKE_BIAS], biasPerCall);
        } else {
            v[REAL_OPS] = addExact(v[REAL_OPS], syops);
            v[REAL_BIAS] = addExact(v[REAL_BIAS], biasPerCall);
        }
        if (kind == OpKind.NEURON || kind == OpKind.ADD || kind == OpKind.MEAN) {
            v[FULL_ACCUMULATE] = addExact(v[FULL_ACCUMULATE], full);
        } else if (spikeSource != null) {
            v[FULL_SPIKE] = addExact(v[FULL_SPIKE], full);
        } else {
            v[FULL_REAL] = addExact(v[FULL_REAL], full);
        }
    }

    /** this + k * other, exactly. */
    static long[] combine(long[] base, long k, long[] slope, long[] into) {
        for (int i = 0; i < SIZE; i++) {
            into[i] = addExact(base[i], multiplyExact(k, slope[i]));
        }
        return into;
    }

    static long[] minus(long[] a, long[] b) {
        long[] out = new long[SIZE];
        for (int i = 0; i < SIZE; i++) {
            out[i] = Math.subtractExact(a[i], b[i]);
        }
        return out;
    }
}
