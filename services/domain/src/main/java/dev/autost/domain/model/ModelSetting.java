package dev.autost.domain.model;

import java.util.Objects;

/**
 * Everything about the model that a genome does not choose: input geometry, class
 * count, backbone, the default number of time steps, and the batch size the official
 * FLOPs counter runs (its per-call bias term is divided by it).
 *
 * <p>Immutable and validated on construction; a field that is out of range is named
 * in the {@link InvalidModelSettingException}.
 *
 * @param backbone   block layout
 * @param imageSize  square input side in pixels
 * @param channels   input channels (3 for CIFAR, 1 for Fashion-MNIST)
 * @param patchSize  1, 2, 4, 8 or 16: the stem halves the grid log2(patch) times
 * @param classes    classifier outputs
 * @param timeSteps  T used when a genome does not search it
 * @param syopsBatch batch size of the official counter's single forward call
 */
public record ModelSetting(
        Backbone backbone, int imageSize, int channels, int patchSize, int classes, int timeSteps, int syopsBatch) {

    /** The official search's setting: CIFAR-100 geometry, T = 4, batch 32, AutoST blocks. */
    public static final ModelSetting OFFICIAL = new ModelSetting(Backbone.AUTOST, 32, 3, 4, 100, 4, 32);

    /** Upper bounds that keep every count of the largest sane model inside a long. */
    public static final int MAX_IMAGE_SIZE = 4096;

    public static final int MAX_CHANNELS = 4096;
    public static final int MAX_CLASSES = 1_000_000;
    public static final int MAX_TIME_STEPS = 1024;
    public static final int MAX_SYOPS_BATCH = 1 << 20;

    /** Stem stages: four conv stages, as in Spikformer's SPS. */
    public static final int STEM_STAGES = 4;

    public ModelSetting {
        Objects.requireNonNull(backbone, "backbone");
        requireRange("image_size", imageSize, 1, MAX_IMAGE_SIZE);
        requireRange("channels", channels, 1, MAX_CHANNELS);
        requireRange("classes", classes, 1, MAX_CLASSES);
        requireRange("time_steps", timeSteps, 1, MAX_TIME_STEPS);
        requireRange("syops_batch", syopsBatch, 1, MAX_SYOPS_BATCH);
        if (patchSize != 1 && patchSize != 2 && patchSize != 4 && patchSize != 8 && patchSize != 16) {
            throw new InvalidModelSettingException(
                    "patch_size",
                    "must be 1, 2, 4, 8 or 16 (the stem max-pools log2(patch) of its 4 stages), got " + patchSize);
        }
    }

    static void requireRange(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new InvalidModelSettingException(field, "must be in [" + min + ", " + max + "], got " + value);
        }
    }

    /** Number of stride-2 max-pools in the stem, placed after its last stages. */
    public int pools() {
        return Integer.numberOfTrailingZeros(patchSize);
    }

    /** True when stem stage {@code stage} (1-based) ends with a max-pool. */
    public boolean poolsAfterStage(int stage) {
        return stage > STEM_STAGES - pools();
    }

    /** Output side of MaxPool2d(kernel 3, stride 2, padding 1). */
    public static int pooledSide(int side) {
        return (side - 1) / 2 + 1;
    }

    /** Side of the token grid after the stem. */
    public int tokenGridSide() {
        int side = imageSize;
        for (int i = 0; i < pools(); i++) {
            side = pooledSide(side);
        }
        return side;
    }

    /** Number of tokens N the transformer blocks see. */
    public int tokens() {
        int side = tokenGridSide();
        return side * side;
    }

    public ModelSetting withBackbone(Backbone b) {
        return new ModelSetting(b, imageSize, channels, patchSize, classes, timeSteps, syopsBatch);
    }

    public ModelSetting withImage(int size, int ch) {
        return new ModelSetting(backbone, size, ch, patchSize, classes, timeSteps, syopsBatch);
    }

    public ModelSetting withPatchSize(int p) {
        return new ModelSetting(backbone, imageSize, channels, p, classes, timeSteps, syopsBatch);
    }

    public ModelSetting withClasses(int c) {
        return new ModelSetting(backbone, imageSize, channels, patchSize, c, timeSteps, syopsBatch);
    }

    public ModelSetting withTimeSteps(int t) {
        return new ModelSetting(backbone, imageSize, channels, patchSize, classes, t, syopsBatch);
    }
}
