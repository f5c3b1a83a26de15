package dev.autost.models.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class SpikeKernelsTest {
    // Three samples, one time step, codes of length 4.
    private static final float[] CODES = {
        1, 0, 0, 0,
        1, 1, 0, 0,
        0, 0, 1, 1
    };

    @Test
    void naswot_isLogDetOfTheHammingKernel_computedByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            SpikeKernels k = new SpikeKernels(1, 3);
            k.onSpikes("l", m.create(CODES, new Shape(3, 4)));
            // d01 = 1, d02 = 3, d12 = 4; K = 4 - d = [[4,3,1],[3,4,0],[1,0,4]], det = 64 - 36 - 4 = 24.
            assertEquals(Math.log(24), k.naswot(), 1e-9);
            // A second layer with the same codes doubles K: det grows by 2^3.
            k.onSpikes("l2", m.create(CODES, new Shape(3, 4)));
            assertEquals(Math.log(24 * 8), k.naswot(), 1e-9);
        }
    }

    @Test
    void sahd_rescalesEachDistanceByTheMismatchExpectedFromTheRates() {
        try (NDManager m = NDManager.newBaseManager()) {
            SpikeKernels k = new SpikeKernels(1, 3);
            k.onSpikes("l", m.create(CODES, new Shape(3, 4)));
            double[] r = {0.25, 0.5, 0.5};
            double[][] d = {{0, 1, 3}, {1, 0, 4}, {3, 4, 0}};
            double[][] a = new double[3][3];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    double expected = r[i] * (1 - r[j]) + r[j] * (1 - r[i]);
                    a[i][j] = 4 - d[i][j] / (2 * expected + 0.002);
                }
            }
            double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
                    - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
                    + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
            assertEquals(Math.log(Math.abs(det)), k.sahd(), 1e-5);
        }
    }

    @Test
    void timeSteps_areSeparateCodes_fromATimeMajorTensor() {
        try (NDManager m = NDManager.newBaseManager()) {
            // T = 2: rows 0..2 are step 0, rows 3..5 step 1 (the same codes again): K doubles.
            float[] twoSteps = new float[24];
            System.arraycopy(CODES, 0, twoSteps, 0, 12);
            System.arraycopy(CODES, 0, twoSteps, 12, 12);
            SpikeKernels k = new SpikeKernels(2, 3);
            k.onSpikes("l", m.create(twoSteps, new Shape(6, 4)));
            assertEquals(Math.log(24 * 8), k.naswot(), 1e-9);
            assertEquals(2, k.layerSteps());
        }
    }

    @Test
    void identicalCodes_giveMinusInfinity_andNoSpikesIsAnError() {
        try (NDManager m = NDManager.newBaseManager()) {
            SpikeKernels k = new SpikeKernels(1, 2);
            k.onSpikes("l", m.create(new float[] {1, 0, 1, 0}, new Shape(2, 2)));
            assertEquals(Double.NEGATIVE_INFINITY, k.naswot());
            assertThrows(IllegalStateException.class, () -> new SpikeKernels(1, 2).naswot());
            assertThrows(IllegalArgumentException.class, () -> new SpikeKernels(1, 1));
        }
    }
}
