package dev.autost.models.train;

/**
 * Training recipe, immutable; change one with {@link #toBuilder()}. Defaults follow the authors' CIFAR recipe where it applies to a
 * short CPU run (AdamW, lr 5e-4, weight decay 0.06, cosine to 1e-5 after a linear
 * warm-up from 1e-5, label smoothing 0.1); mixup is off unless {@code mixupAlpha > 0}.
 *
 * @param epochs          passes over the training set
 * @param batchSize       images per step
 * @param learningRate    peak learning rate after warm-up
 * @param minLearningRate end of the cosine schedule
 * @param warmupLearningRate start of the linear warm-up
 * @param warmupEpochs    warm-up length in epochs (fractions allowed; counted in steps)
 * @param weightDecay     decoupled weight decay, applied to weights of rank >= 2 only
 * @param labelSmoothing  epsilon of the smoothed one-hot targets
 * @param mixupAlpha      Beta(alpha, alpha) mixing; 0 disables mixup
 * @param mixupOffEpoch   first epoch (0-based) without mixup
 * @param augment         random crop (pad 4) + horizontal flip (CIFAR); off for Fashion-MNIST
 * @param seed            initialisation, shuffling, augmentation and mixup
 * @param evalBatchSize   images per evaluation step
 * @param firingRateImages test images used to measure firing rates at initialisation
 * @param scheduleEpochs  epochs the warm-up + cosine schedule spans when longer than {@code
 *                        epochs}, else 0: a run of {@code epochs} is then exactly the start of a
 *                        {@code scheduleEpochs} run, and continuing its checkpoint to more epochs
 *                        gives that run (successive halving's rungs)
 */
public record Recipe(
        int epochs,
        int batchSize,
        float learningRate,
        float minLearningRate,
        float warmupLearningRate,
        double warmupEpochs,
        float weightDecay,
        float labelSmoothing,
        float mixupAlpha,
        int mixupOffEpoch,
        boolean augment,
        long seed,
        int evalBatchSize,
        int firingRateImages,
        int scheduleEpochs) {
    public Recipe {
        positive("epochs", epochs);
        positive("batch_size", batchSize);
        positive("eval_batch_size", evalBatchSize);
        if (!(learningRate > 0) || !(minLearningRate >= 0) || !(warmupLearningRate >= 0)) {
            throw new IllegalArgumentException("learning rates must be positive, got lr=" + learningRate + " min_lr="
                    + minLearningRate + " warmup_lr=" + warmupLearningRate);
        }
        if (!(warmupEpochs >= 0)) {
            throw new IllegalArgumentException("warmup_epochs must be >= 0, got " + warmupEpochs);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight_decay must be >= 0, got " + weightDecay);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("label_smoothing must be in [0, 1), got " + labelSmoothing);
        }
        if (!(mixupAlpha >= 0)) {
            throw new IllegalArgumentException("mixup_alpha must be >= 0, got " + mixupAlpha);
        }
        if (scheduleEpochs != 0 && scheduleEpochs < epochs) {
            throw new IllegalArgumentException(
                    "schedule_epochs must be 0 or at least epochs (" + epochs + "), got " + scheduleEpochs);
        }
        if (firingRateImages < 0) {
            throw new IllegalArgumentException("firing_rate_images must be >= 0, got " + firingRateImages);
        }
    }

    /** Epochs the learning-rate schedule spans: {@code scheduleEpochs}, or {@code epochs} when 0. */
    public int scheduleSpan() {
        return scheduleEpochs == 0 ? epochs : scheduleEpochs;
    }

    private static void positive(String field, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(field + " must be at least 1, got " + v);
        }
    }

    /** The authors' recipe scaled to a short run: 300 epochs would be {@code optEpochs(300).optWarmupEpochs(20)}. */
    public static Recipe defaults() {
        return new Recipe(1, 64, 5e-4f, 1e-5f, 1e-5f, 0.1, 0.06f, 0.1f, 0f, Integer.MAX_VALUE, false, 42, 250, 1000, 0);
    }

    /**
     * The recipe checked on this 2-core CPU: one epoch of the full Fashion-MNIST training set
     * reaches 84.8 % test accuracy with a D = 64, depth-1 genome (services/models README).
     */
    public static final Recipe SHORT = defaults().toBuilder()
            .optBatchSize(64)
            .optLearningRate(2e-3f)
            .optWarmupEpochs(0.05)
            .optWeightDecay(0.01f)
            .optLabelSmoothing(0.1f)
            .build();

    /**
     * The authors' CIFAR recipe as far as it is implemented here (reference §6): batch 128, AdamW
     * lr 5e-4, weight decay 0.06, cosine to 1e-5 after 20 warm-up epochs from 1e-5, label
     * smoothing 0.1, mixup alpha 0.5 off after epoch 200, crop and flip on CIFAR. Not implemented:
     * RandAugment-lite, random erasing, AMP. Meant for 300 epochs on a GPU.
     */
    public static final Recipe CIFAR = defaults().toBuilder()
            .optBatchSize(128)
            .optWarmupEpochs(20)
            .optMixup(0.5f, 200)
            .build();

    /** A recipe by name: {@code short} or {@code cifar}. */
    public static Recipe named(String name) {
        return switch (name) {
            case "short" -> SHORT;
            case "cifar" -> CIFAR;
            default -> throw new IllegalArgumentException("unknown recipe '" + name + "' (expected short or cifar)");
        };
    }

    /** A builder holding this recipe's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes some values of a recipe ({@code optX}, DJL's habit for settings with defaults), then {@link #build()}. */
    public static final class Builder {
        private int epochs;
        private int batchSize;
        private float learningRate;
        private float minLearningRate;
        private float warmupLearningRate;
        private double warmupEpochs;
        private float weightDecay;
        private float labelSmoothing;
        private float mixupAlpha;
        private int mixupOffEpoch;
        private boolean augment;
        private long seed;
        private int evalBatchSize;
        private int firingRateImages;
        private int scheduleEpochs;

        private Builder(Recipe r) {
            epochs = r.epochs;
            batchSize = r.batchSize;
            learningRate = r.learningRate;
            minLearningRate = r.minLearningRate;
            warmupLearningRate = r.warmupLearningRate;
            warmupEpochs = r.warmupEpochs;
            weightDecay = r.weightDecay;
            labelSmoothing = r.labelSmoothing;
            mixupAlpha = r.mixupAlpha;
            mixupOffEpoch = r.mixupOffEpoch;
            augment = r.augment;
            seed = r.seed;
            evalBatchSize = r.evalBatchSize;
            firingRateImages = r.firingRateImages;
            scheduleEpochs = r.scheduleEpochs;
        }

        public Builder optEpochs(int v) {
            epochs = v;
            return this;
        }

        public Builder optBatchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder optLearningRate(float v) {
            learningRate = v;
            return this;
        }

        public Builder optWarmupEpochs(double v) {
            warmupEpochs = v;
            return this;
        }

        public Builder optWeightDecay(float v) {
            weightDecay = v;
            return this;
        }

        public Builder optLabelSmoothing(float v) {
            labelSmoothing = v;
            return this;
        }

        /** Beta(alpha, alpha) mixup until {@code offEpoch} (0-based); alpha 0 turns it off. */
        public Builder optMixup(float alpha, int offEpoch) {
            mixupAlpha = alpha;
            mixupOffEpoch = offEpoch;
            return this;
        }

        public Builder optAugment(boolean v) {
            augment = v;
            return this;
        }

        public Builder optSeed(long v) {
            seed = v;
            return this;
        }

        public Builder optFiringRateImages(int v) {
            firingRateImages = v;
            return this;
        }

        /**
         * The schedule spans {@code v} epochs (0: the run's own epochs). Equal to the run's epochs
         * it is stored as 0, so the same training has the same recipe however it was asked for.
         */
        public Builder optScheduleEpochs(int v) {
            scheduleEpochs = v;
            return this;
        }

        /** @throws IllegalArgumentException naming the first value out of range */
        public Recipe build() {
            return new Recipe(
                    epochs,
                    batchSize,
                    learningRate,
                    minLearningRate,
                    warmupLearningRate,
                    warmupEpochs,
                    weightDecay,
                    labelSmoothing,
                    mixupAlpha,
                    mixupOffEpoch,
                    augment,
                    seed,
                    evalBatchSize,
                    firingRateImages,
                    scheduleEpochs == epochs ? 0 : scheduleEpochs);
        }
    }
}
