package dev.autost.cli;

import dev.autost.trainer.TrainerConfig;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** How trainer workers (and {@code autost train}) train: device, data, checkpoints, limits. */
final class TrainerOptions {
    @Option(names = "--device", description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).", defaultValue = "cpu")
    String device;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description =
                    "Dataset folder (default: $AUTOST_DATA_DIR, then Debian's /usr/share/datasets/fashion-mnist).")
    Path dataDir;

    @Option(
            names = "--checkpoint-dir",
            paramLabel = "DIR",
            description =
                    "Checkpoints per experiment and genome; share it between workers so a redelivered job resumes (default: ${DEFAULT-VALUE}).",
            defaultValue = "autost-checkpoints")
    Path checkpointDir;

    @Option(
            names = "--limit-train",
            description = "Train on the first N images only (0 = all, default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    int limitTrain;

    @Option(
            names = "--limit-test",
            description = "Evaluate on the first N test images only (0 = all, default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    int limitTest;

    @Option(
            names = "--recipe",
            description = {
                "short (the CPU recipe: batch 64, lr 2e-3, 5 % warm-up) or cifar (the",
                "authors' CIFAR recipe: batch 128, lr 5e-4, 20 warm-up epochs, mixup; for 300 epochs on a GPU) (default: ${DEFAULT-VALUE})."
            },
            defaultValue = "short")
    String recipe;

    /** These options as {@code autost service trainer} arguments, with the given data limits (child trainers). */
    java.util.List<String> asArgs(int limitTrain, int limitTest) {
        java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of(
                "--device",
                device,
                "--recipe",
                recipe,
                "--checkpoint-dir",
                checkpointDir.toAbsolutePath().toString(),
                "--limit-train",
                Integer.toString(limitTrain),
                "--limit-test",
                Integer.toString(limitTest)));
        if (dataDir != null) {
            a.addAll(java.util.List.of("--data-dir", dataDir.toAbsolutePath().toString()));
        }
        return a;
    }

    TrainerConfig template() {
        return TrainerConfig.of("unused")
                .withRecipe(TrainerConfig.recipe(recipe))
                .withDevice(device)
                .withDataDir(Optional.ofNullable(dataDir))
                .withCheckpointRoot(checkpointDir)
                .withLimits(limitTrain, limitTest);
    }
}
