package dev.autost.models.data;

/**
 * Per-channel (x / 255 - mean) / std. The constants are the usual training-set
 * statistics of each data set.
 */
public record Normalization(float[] mean, float[] std) {
    public static final Normalization FASHION_MNIST = new Normalization(new float[] {0.2860f}, new float[] {0.3530f});
    public static final Normalization CIFAR10 =
            new Normalization(new float[] {0.4914f, 0.4822f, 0.4465f}, new float[] {0.2470f, 0.2435f, 0.2616f});
    public static final Normalization CIFAR100 =
            new Normalization(new float[] {0.5071f, 0.4865f, 0.4409f}, new float[] {0.2673f, 0.2564f, 0.2762f});

    public Normalization {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("mean and std must have the same, positive length");
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** Identity-like normalisation to [-1, 1] for synthetic data. */
    public static Normalization centered(int channels) {
        float[] m = new float[channels];
        float[] s = new float[channels];
        java.util.Arrays.fill(m, 0.5f);
        java.util.Arrays.fill(s, 0.5f);
        return new Normalization(m, s);
    }

    public int channels() {
        return mean.length;
    }

    /** Lookup table value for channel c and byte value b (0..255). */
    float[][] table() {
        float[][] t = new float[mean.length][256];
        for (int c = 0; c < mean.length; c++) {
            for (int b = 0; b < 256; b++) {
                t[c][b] = (b / 255f - mean[c]) / std[c];
            }
        }
        return t;
    }
}
