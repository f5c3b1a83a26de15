package dev.autost.cli;

import dev.autost.domain.genome.Genome;
import dev.autost.domain.space.Backbone;
import dev.autost.domain.space.ModelSetting;
import dev.autost.models.data.FashionMnist;
import dev.autost.models.data.ImageDataset;
import dev.autost.models.train.EpochListener;
import dev.autost.models.train.SpikingTrainer;
import dev.autost.models.train.TrainResult;
import dev.autost.trainer.DjlSettings;
import dev.autost.trainer.TrainerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

    @Option(names = "--batch-size", description = "Batch size (default: ${DEFAULT-VALUE}).", defaultValue = "64")
    int batchSize;

    @Option(
            names = "--steps",
            description = "Measured optimiser steps (default: ${DEFAULT-VALUE}).",
            defaultValue = "100")
    int steps;

    @Option(names = "--device", description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).", defaultValue = "cpu")
    String device;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Fashion-MNIST folder (default: the standard locations).")
    Path dataDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DjlSettings.applyDefaults();
        ImageDataset train = FashionMnist.load(Optional.ofNullable(dataDir), true);
        ImageDataset test =
                FashionMnist.load(Optional.ofNullable(dataDir), false).limit(batchSize);
        ModelSetting setting = new ModelSetting(Backbone.AUTOST, 28, 1, 4, 10, 4, 32);
        var out = spec.commandLine().getOut();
        out.printf(
                "bench train: %s, autost, T=4, Fashion-MNIST, batch %d, %d steps, device %s, %s threads%n",
                GENOME.canonicalJson(), batchSize, steps, device, System.getProperty("ai.djl.pytorch.num_threads"));
        out.flush();
        Path tmp = Files.createTempDirectory("autost-bench-train");
        try (SpikingTrainer trainer = new SpikingTrainer(
                GENOME,
                setting,
                TrainerConfig.SHORT_RECIPE.withBatchSize(batchSize).withFiringRateImages(0),
                SpikingTrainer.device(device))) {
            // Warm-up: JIT and libtorch's first calls are not what a long run sees.
            trainer.fit(train.limit(batchSize * 10), test, Optional.empty(), EpochListener.NONE);
        }
        TrainResult r;
        try (SpikingTrainer trainer = new SpikingTrainer(
                GENOME,
                setting,
                TrainerConfig.SHORT_RECIPE.withBatchSize(batchSize).withFiringRateImages(0),
                SpikingTrainer.device(device))) {
            r = trainer.fit(train.limit(batchSize * steps), test, Optional.empty(), EpochListener.NONE);
        }
        out.printf(
                "train:    %.1f images/s (%d images, %,d params)%n",
                r.imagesPerSecond(), batchSize * steps, r.params());
        out.flush();
        Files.deleteIfExists(tmp);
        return 0;
    }
}
