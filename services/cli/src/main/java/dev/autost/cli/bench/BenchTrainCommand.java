package dev.autost.cli.bench;

import dev.autost.cli.options.CommonOptions.BatchSizeOption;
import dev.autost.cli.options.CommonOptions.DeviceOptions;
import dev.autost.domain.genome.Genome;
import dev.autost.models.data.Datasets;
import dev.autost.models.train.DjlSettings;
import dev.autost.models.train.EpochListener;
import dev.autost.models.train.FitResult;
import dev.autost.models.train.Recipe;
import dev.autost.models.train.TrainingRun;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code autost bench train}: training images/s of a fixed genome and batch size. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Trains the fixed genome {\"depth\":1,\"mlp_ratios\":[4],\"num_heads\":[4],\"embed_dim\":64} (autost,",
            "T=4, Fashion-MNIST 28x28x1) for a number of steps and prints training images/s."
        })
final class BenchTrainCommand implements Callable<Integer> {
    static final Genome GENOME = Genome.uniform(1, 4, 4, 64);

    @Mixin
    BatchSizeOption batch;

    @Option(
            names = "--steps",
            description = "Measured optimiser steps (default: ${DEFAULT-VALUE}).",
            defaultValue = "100")
    int steps;

    @Mixin
    DeviceOptions host;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String device = host.device();
        int batchSize = batch.batchSize();
        DjlSettings.applyDefaults();
        Datasets.Loaded data = new Datasets(host.dataDir(), 0, batchSize).get("fashion-mnist");
        var out = spec.commandLine().getOut();
        out.printf(
                "bench train: %s, autost, T=4, Fashion-MNIST, batch %d, %d steps, device %s, %s threads%n",
                GENOME.canonicalJson(), batchSize, steps, device, System.getProperty("ai.djl.pytorch.num_threads"));
        out.flush();
        // Warm-up: JIT and libtorch's first calls are not what a long run sees.
        run(data, batchSize * 10, batchSize, device);
        FitResult r = run(data, batchSize * steps, batchSize, device);
        out.printf(
                "train:    %.1f images/s (%d images, %,d params)%n",
                r.imagesPerSecond(), batchSize * steps, r.params());
        out.flush();
        return 0;
    }

    /** One epoch over the first {@code images} training images, through the same path as every training. */
    private static FitResult run(Datasets.Loaded data, int images, int batchSize, String device) {
        Datasets.Loaded cut = new Datasets.Loaded(
                data.train().limit(images),
                data.test(),
                data.imageSize(),
                data.channels(),
                data.classes(),
                data.augment());
        return TrainingRun.builder()
                .setGenome(GENOME)
                .setData(cut)
                .setRecipe(Recipe.SHORT.toBuilder()
                        .optBatchSize(batchSize)
                        .optFiringRateImages(0)
                        .build())
                .optDevice(device)
                .build()
                .run(EpochListener.NONE)
                .fit();
    }
}
