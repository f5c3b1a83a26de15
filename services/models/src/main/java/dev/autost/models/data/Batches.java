package dev.autost.models.data;

import java.util.Random;

/**
 * Turns images into normalised float batches, with the optional CIFAR augmentation:
 * random crop of the image zero-padded by {@value #CROP_PAD} pixels (padding is black,
 * before normalisation, as torchvision's RandomCrop) and a horizontal flip with
 * probability 1/2. All randomness comes from the {@link Random} passed in.
 */
public final class Batches {
    public static final int CROP_PAD = 4;

    private final ImageDataset data;
    private final float[][] table;
    private final boolean augment;

    public Batches(ImageDataset data, boolean augment) {
        this.data = data;
        this.table = data.norm().table();
        this.augment = augment;
    }

    public ImageDataset data() {
        return data;
    }

    /** Writes images {@code indices[from..from+n)} into {@code out} (n * C * H * W floats). */
    public void fill(int[] indices, int from, int n, float[] out, Random rnd) {
        int c = data.channels();
        int h = data.height();
        int w = data.width();
        int per = c * h * w;
        byte[] px = data.pixels();
        for (int b = 0; b < n; b++) {
            int src = indices[from + b] * per;
            int dst = b * per;
            if (!augment) {
                for (int ch = 0; ch < c; ch++) {
                    float[] t = table[ch];
                    int base = ch * h * w;
                    for (int k = 0; k < h * w; k++) {
                        out[dst + base + k] = t[px[src + base + k] & 0xff];
                    }
                }
                continue;
            }
            int dy = rnd.nextInt(2 * CROP_PAD + 1) - CROP_PAD;
            int dx = rnd.nextInt(2 * CROP_PAD + 1) - CROP_PAD;
            boolean flip = rnd.nextBoolean();
            for (int ch = 0; ch < c; ch++) {
                float[] t = table[ch];
                float black = t[0];
                int base = ch * h * w;
                for (int y = 0; y < h; y++) {
                    int sy = y + dy;
                    for (int x = 0; x < w; x++) {
                        int sx = (flip ? w - 1 - x : x) + dx;
                        out[dst + base + y * w + x] =
                                sy < 0 || sy >= h || sx < 0 || sx >= w ? black : t[px[src + base + sy * w + sx] & 0xff];
                    }
                }
            }
        }
    }
}
