package dev.autost.models.train;

import java.util.Random;

/**
 * Targets with label smoothing and mixup, computed on the host (no tensor scalars, no
 * graph). Mixup pairs image i with image B-1-i of the same batch (as timm does) and
 * mixes both images and targets with lambda ~ Beta(alpha, alpha).
 */
final class Mixup {
    private Mixup() {}

    /**
     * Fills {@code out} (n x classes) with smoothed, mixed targets and {@code hard} with the
     * label that dominates each mixed image (for train accuracy).
     */
    static void targets(
            int[] labels,
            int[] order,
            int from,
            int n,
            int classes,
            float smoothing,
            float lam,
            float[] out,
            int[] hard) {
        float off = smoothing / classes;
        float on = 1 - smoothing + off;
        java.util.Arrays.fill(out, 0, n * classes, 0f);
        for (int i = 0; i < n; i++) {
            int a = labels[order[from + i]];
            int b = labels[order[from + n - 1 - i]];
            for (int c = 0; c < classes; c++) {
                float ta = c == a ? on : off;
                float tb = c == b ? on : off;
                out[i * classes + c] = lam * ta + (1 - lam) * tb;
            }
            hard[i] = lam >= 0.5f ? a : b;
        }
    }

    /** images[i] = lam * images[i] + (1 - lam) * images[n-1-i], in place (pairs processed together). */
    static void mixImages(float[] images, int n, int per, float lam) {
        for (int i = 0; i < n / 2; i++) {
            int j = n - 1 - i;
            for (int k = 0; k < per; k++) {
                float a = images[i * per + k];
                float b = images[j * per + k];
                images[i * per + k] = lam * a + (1 - lam) * b;
                images[j * per + k] = lam * b + (1 - lam) * a;
            }
        }
    }

    static double sampleBeta(double alpha, Random rnd) {
        double x = sampleGamma(alpha, rnd);
        double y = sampleGamma(alpha, rnd);
        return x / (x + y);
    }

    /** Marsaglia and Tsang's method; shape < 1 via the U^(1/shape) boost. */
    static double sampleGamma(double shape, Random rnd) {
        if (shape < 1) {
            return sampleGamma(shape + 1, rnd) * Math.pow(rnd.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double z = rnd.nextGaussian();
            double v = 1 + c * z;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = rnd.nextDouble();
            if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }
}
