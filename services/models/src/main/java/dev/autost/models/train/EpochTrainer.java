package dev.autost.models.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.autost.models.data.Batches;
import dev.autost.models.data.ImageDataset;
import dev.autost.models.nn.SpikingTransformer;
import java.util.Random;

/**
 * One optimiser step, and one epoch of them, on a training set (the shape of DJL's
 * {@code EasyTrain}: {@code trainBatch} and the epoch loop around it). {@link SpikingTrainer}
 * holds what lasts across epochs (evaluation, checkpoints, the retry of a diverged epoch).
 *
 * <p>Epoch e shuffles, augments and mixes with {@code Random(seed, e)}, so an epoch trained again
 * from its start takes the same batches in the same order. The buffers are reused by every step.
 */
final class EpochTrainer {
    /** What one epoch's steps measured: mean loss, train accuracy, seconds and images per second. */
    record Steps(double loss, double trainAccuracy, double seconds, double imagesPerSecond) {}

    private final SpikingTransformer model;
    private final AdamW optimizer;
    private final Recipe config;
    private final ImageDataset train;
    private final Batches batches;
    private final LearningRateSchedule schedule;
    private final long stepsPerEpoch;
    private final float[] images;
    private final float[] targets;
    private final int[] hard;
    private final long[] predicted;
    private final Shape xShape;
    private final Shape yShape;

    EpochTrainer(SpikingTransformer model, AdamW optimizer, Recipe config, ImageDataset train) {
        this.model = model;
        this.optimizer = optimizer;
        this.config = config;
        this.train = train;
        int batch = config.batchSize();
        this.stepsPerEpoch = Math.max(1, train.count() / batch); // drop the last partial batch
        this.schedule = new LearningRateSchedule(
                config.learningRate(),
                config.minLearningRate(),
                config.warmupLearningRate(),
                Math.round(config.warmupEpochs() * stepsPerEpoch),
                stepsPerEpoch * config.scheduleSpan());
        this.batches = new Batches(train, config.augment());
        this.images = new float[batch * train.imageBytes()];
        this.targets = new float[batch * train.classes()];
        this.hard = new int[batch];
        this.predicted = new long[batch];
        this.xShape = model.inputShape(batch);
        this.yShape = new Shape(batch, train.classes());
    }

    /**
     * Trains epoch {@code epoch} (0-based) with the parameters {@code store} serves.
     *
     * @throws TrainingDivergedException at the first step whose loss is not finite, before its update
     */
    Steps train(int epoch, NDManager manager, ParameterStore store, EpochListener listener) {
        int batch = config.batchSize();
        Random rnd = new Random(config.seed() * 1_000_003L + epoch);
        int[] order = permutation(train.count(), rnd);
        boolean mixup = config.mixupAlpha() > 0 && epoch < config.mixupOffEpoch();
        double lossSum = 0;
        long correct = 0;
        long start = System.nanoTime();
        for (long s = 0; s < stepsPerEpoch; s++) {
            int from = (int) (s * batch);
            batches.fill(order, from, batch, images, rnd);
            float lam = mixup ? (float) Mixup.sampleBeta(config.mixupAlpha(), rnd) : 1f;
            Mixup.targets(
                    train.labels(), order, from, batch, train.classes(), config.labelSmoothing(), lam, targets, hard);
            if (mixup) {
                Mixup.mixImages(images, batch, train.imageBytes(), lam);
            }
            float loss = step(manager, store, epoch, s);
            for (int i = 0; i < batch; i++) {
                if (predicted[i] == hard[i]) {
                    correct++;
                }
            }
            lossSum += loss;
            listener.onStep(epoch, s + 1, stepsPerEpoch, loss);
        }
        long seen = stepsPerEpoch * batch;
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Steps(lossSum / stepsPerEpoch, correct / (double) seen, seconds, seen / seconds);
    }

    /**
     * One optimiser step on the batch in the buffers: forward, loss, backward, update; the
     * batch's predicted classes go to {@link #predicted}. Runs in its own NDManager, closed after
     * the update.
     */
    private float step(NDManager manager, ParameterStore store, int epoch, long s) {
        try (NDManager step = manager.newSubManager()) {
            NDArray x = step.create(images, xShape);
            NDArray y = step.create(targets, yShape);
            NDArray logits;
            float loss;
            try (GradientCollector gc = ThreadAutograd.collect()) {
                logits = model.forward(store, new NDList(x), true).singletonOrThrow();
                NDArray l =
                        logits.logSoftmax(1).mul(y).sum(new int[] {1}).mean().neg();
                gc.backward(l);
                loss = l.getFloat();
            }
            if (!Float.isFinite(loss)) {
                throw new TrainingDivergedException("loss is " + loss + " at epoch " + epoch + ", step " + s);
            }
            optimizer.step(schedule.at(epoch * stepsPerEpoch + s));
            System.arraycopy(logits.argMax(1).toLongArray(), 0, predicted, 0, predicted.length);
            return loss;
        }
    }

    private static int[] permutation(int n, Random rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
