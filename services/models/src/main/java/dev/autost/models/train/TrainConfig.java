package dev.autost.models.train;

/**
 * Training recipe. Defaults follow the authors' CIFAR recipe where it applies to a
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
 */
public record TrainConfig(
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
        int firingRateImages) {
    public TrainConfig {
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
        if (firingRateImages < 0) {
            throw new IllegalArgumentException("firing_rate_images must be >= 0, got " + firingRateImages);
        }
    }

    private static void positive(String field, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(field + " must be at least 1, got " + v);
        }
    }

    /** The authors' recipe scaled to a short run: 300 epochs would be {@code withEpochs(300).withWarmupEpochs(20)}. */
    public static TrainConfig defaults() {
        return new TrainConfig(
                1, 64, 5e-4f, 1e-5f, 1e-5f, 0.1, 0.06f, 0.1f, 0f, Integer.MAX_VALUE, false, 42, 250, 1000);
    }

    public TrainConfig withEpochs(int v) {
        return new TrainConfig(
                v,
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
                firingRateImages);
    }

    public TrainConfig withBatchSize(int v) {
        return new TrainConfig(
                epochs,
                v,
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
                firingRateImages);
    }

    public TrainConfig withLearningRate(float v) {
        return new TrainConfig(
                epochs,
                batchSize,
                v,
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
                firingRateImages);
    }

    public TrainConfig withWarmupEpochs(double v) {
        return new TrainConfig(
                epochs,
                batchSize,
                learningRate,
                minLearningRate,
                warmupLearningRate,
                v,
                weightDecay,
                labelSmoothing,
                mixupAlpha,
                mixupOffEpoch,
                augment,
                seed,
                evalBatchSize,
                firingRateImages);
    }

    public TrainConfig withWeightDecay(float v) {
        return new TrainConfig(
                epochs,
                batchSize,
                learningRate,
                minLearningRate,
                warmupLearningRate,
                warmupEpochs,
                v,
                labelSmoothing,
                mixupAlpha,
                mixupOffEpoch,
                augment,
                seed,
                evalBatchSize,
                firingRateImages);
    }

    public TrainConfig withLabelSmoothing(float v) {
        return new TrainConfig(
                epochs,
                batchSize,
                learningRate,
                minLearningRate,
                warmupLearningRate,
                warmupEpochs,
                weightDecay,
                v,
                mixupAlpha,
                mixupOffEpoch,
                augment,
                seed,
                evalBatchSize,
                firingRateImages);
    }

    public TrainConfig withMixup(float alpha, int offEpoch) {
        return new TrainConfig(
                epochs,
                batchSize,
                learningRate,
                minLearningRate,
                warmupLearningRate,
                warmupEpochs,
                weightDecay,
                labelSmoothing,
                alpha,
                offEpoch,
                augment,
                seed,
                evalBatchSize,
                firingRateImages);
    }

    public TrainConfig withAugment(boolean v) {
        return new TrainConfig(
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
                v,
                seed,
                evalBatchSize,
                firingRateImages);
    }

    public TrainConfig withSeed(long v) {
        return new TrainConfig(
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
                v,
                evalBatchSize,
                firingRateImages);
    }

    public TrainConfig withFiringRateImages(int v) {
        return new TrainConfig(
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
                v);
    }
}
