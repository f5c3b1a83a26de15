package dev.autost.models.data;

import java.util.Random;

/**
 * A small, learnable image set for tests: class c is a bright square at a position
 * determined by c on a noisy background. Deterministic for a seed.
 */
public final class SyntheticImages {
    private SyntheticImages() {}

    public static ImageDataset generate(int count, int classes, int channels, int side, long seed) {
        Random rnd = new Random(seed);
        int per = channels * side * side;
        byte[] pixels = new byte[count * per];
        int[] labels = new int[count];
        int square = Math.max(2, side / 4);
        int grid = Math.max(1, side - square);
        for (int i = 0; i < count; i++) {
            int c = rnd.nextInt(classes);
            labels[i] = c;
            // Spread class positions over the image deterministically.
            int py = (int) ((long) c * 7919 % (grid + 1));
            int px = (int) ((long) c * 104729 % (grid + 1));
            for (int ch = 0; ch < channels; ch++) {
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        boolean on = y >= py && y < py + square && x >= px && x < px + square;
                        int v = (on ? 200 : 30) + rnd.nextInt(40);
                        pixels[i * per + (ch * side + y) * side + x] = (byte) v;
                    }
                }
            }
        }
        return new ImageDataset(
                "synthetic", count, channels, side, side, classes, pixels, labels, Normalization.centered(channels));
    }
}
