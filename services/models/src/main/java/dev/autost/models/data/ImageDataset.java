package dev.autost.models.data;

import java.util.Objects;

/**
 * Images held in memory as unsigned bytes, channel-major per image ({@code C, H, W}),
 * with their labels. Immutable by convention: the arrays are not copied, callers must
 * not change them.
 *
 * @param name     for logs (e.g. {@code fashion-mnist/train})
 * @param pixels   count * channels * height * width bytes, 0..255
 * @param labels   count labels in [0, classes)
 * @param norm     per-channel normalisation applied when batches are built
 */
public record ImageDataset(
        String name,
        int count,
        int channels,
        int height,
        int width,
        int classes,
        byte[] pixels,
        int[] labels,
        Normalization norm) {
    public ImageDataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(norm, "norm");
        if (count < 0 || labels.length != count) {
            throw new IllegalArgumentException(name + ": " + labels.length + " labels for " + count + " images");
        }
        if ((long) count * channels * height * width != pixels.length) {
            throw new IllegalArgumentException(
                    name + ": " + pixels.length + " pixel bytes, expected " + (long) count * channels * height * width);
        }
        if (norm.channels() != channels) {
            throw new IllegalArgumentException(
                    name + ": normalisation has " + norm.channels() + " channels, images have " + channels);
        }
        for (int i = 0; i < count; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(
                        name + ": label " + labels[i] + " of image " + i + " is outside [0, " + classes + ")");
            }
        }
    }

    public int imageBytes() {
        return channels * height * width;
    }

    /** The first {@code n} images (all if n >= count). */
    public ImageDataset limit(int n) {
        if (n >= count) {
            return this;
        }
        byte[] p = java.util.Arrays.copyOf(pixels, n * imageBytes());
        int[] l = java.util.Arrays.copyOf(labels, n);
        return new ImageDataset(name + "[:" + n + "]", n, channels, height, width, classes, p, l, norm);
    }
}
