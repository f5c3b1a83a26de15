package dev.autost.models.proxy;

import ai.djl.ndarray.NDArray;
import dev.autost.models.neuron.SpikeObserver;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Builds, from the binary spike codes of one batch, the two kernels of the training-free
 * proxies NASWOT and SAHD, and their log-determinants. Every neuron layer and time step gives
 * each sample a binary code {@code c} of length {@code M}; for two samples {@code i, j}:
 * <ul>
 *   <li>NASWOT (Mellor et al., adapted to spikes as in SNASNet): {@code K[i][j] += M - d_H(c_i, c_j)},
 *       summed over layers and steps (the Hamming kernel of the concatenated codes);</li>
 *   <li>SAHD, sparsity-aware (SNASNet, Kim et al., ECCV 2022): the Hamming distance is divided by
 *       {@code 2 (r_i (1 - r_j) + r_j (1 - r_i)) + 0.002}, twice the mismatch expected from two
 *       independent codes with firing rates {@code r_i, r_j} — so sparse layers are not drowned by
 *       dense ones — and the kernel is averaged over layer-steps.</li>
 * </ul>
 * The score is {@code log |det K|}. Not thread-safe; one instance per batch.
 */
public final class SpikeKernels implements SpikeObserver {
    private final int timeSteps;
    private final int batch;
    private final double[] hamming;
    private final double[] sparsityAware;
    private long layerSteps;

    public SpikeKernels(int timeSteps, int batch) {
        if (timeSteps < 1 || batch < 2) {
            throw new IllegalArgumentException(
                    "need T >= 1 and a batch of at least 2, got T=" + timeSteps + ", B=" + batch);
        }
        this.timeSteps = timeSteps;
        this.batch = batch;
        this.hamming = new double[batch * batch];
        this.sparsityAware = new double[batch * batch];
    }

    @Override
    public void onSpikes(String layer, NDArray spikes) {
        NDArray x = spikes.reshape(timeSteps, batch, -1); // (T, B, M)
        long m = x.getShape().get(2);
        NDArray notX = x.neg().add(1f);
        NDArray mismatch = x.matMul(notX.transpose(0, 2, 1)).add(notX.matMul(x.transpose(0, 2, 1))); // (T, B, B)
        NDArray r = x.mean(new int[] {2}, true); // (T, B, 1)
        NDArray notR = r.neg().add(1f);
        NDArray expected = r.matMul(notR.transpose(0, 2, 1)).add(notR.matMul(r.transpose(0, 2, 1)));
        NDArray rescaled = mismatch.div(expected.add(1e-3f).mul(2f));
        float[] d = mismatch.sum(new int[] {0}).toFloatArray();
        float[] s = rescaled.sum(new int[] {0}).toFloatArray();
        double full = (double) timeSteps * m;
        for (int i = 0; i < d.length; i++) {
            hamming[i] += full - d[i];
            sparsityAware[i] += full - s[i];
        }
        layerSteps += timeSteps;
    }

    /** log |det| of the Hamming kernel (NASWOT). */
    public double naswot() {
        return logAbsDet(hamming, 1);
    }

    /** log |det| of the sparsity-aware kernel averaged over layer-steps (SAHD). */
    public double sahd() {
        return logAbsDet(sparsityAware, Math.max(1, layerSteps));
    }

    /** Layer-steps seen (layers times T). */
    public long layerSteps() {
        return layerSteps;
    }

    private double logAbsDet(double[] k, double divisor) {
        if (layerSteps == 0) {
            throw new IllegalStateException("no spikes observed");
        }
        RealMatrix a = new Array2DRowRealMatrix(batch, batch);
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < batch; j++) {
                a.setEntry(i, j, k[i * batch + j] / divisor);
            }
        }
        return logAbsDet(a);
    }

    /** Sum of log |u_ii| of the LU decomposition; -infinity for a singular matrix (two identical codes). */
    static double logAbsDet(RealMatrix a) {
        LUDecomposition lu = new LUDecomposition(a, 0.0);
        if (lu.getSolver().isNonSingular()) {
            RealMatrix u = lu.getU();
            double sum = 0;
            for (int i = 0; i < u.getRowDimension(); i++) {
                sum += Math.log(Math.abs(u.getEntry(i, i)));
            }
            return sum;
        }
        return Double.NEGATIVE_INFINITY;
    }
}
