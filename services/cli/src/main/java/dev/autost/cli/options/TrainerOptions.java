package dev.autost.cli.options;

import dev.autost.cli.options.CommonOptions.DeviceOptions;
import dev.autost.cli.options.CommonOptions.LimitOptions;
import dev.autost.domain.benchmark.TableReplay;
import dev.autost.models.train.Recipe;
import dev.autost.trainer.TrainerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How trainer workers train: device, data, checkpoints, limits and recipe. */
public final class TrainerOptions {
    @Mixin
    DeviceOptions host;

    @Mixin
    LimitOptions limits;

    @Option(
            names = "--checkpoint-dir",
            paramLabel = "DIR",
            description =
                    "Checkpoints per experiment and genome; share it between workers so a redelivered job resumes (default: ${DEFAULT-VALUE}).",
            defaultValue = "autost-checkpoints")
    Path checkpointDir;

    @Option(
            names = "--recipe",
            description = {
                "short (the CPU recipe: batch 64, lr 2e-3, 5 %% warm-up) or cifar (the",
                "authors' CIFAR recipe: batch 128, lr 5e-4, 20 warm-up epochs, mixup; for 300 epochs on a GPU) (default: ${DEFAULT-VALUE})."
            },
            defaultValue = "short")
    String recipe;

    @Option(
            names = "--memory-budget",
            paramLabel = "SIZE",
            description = {
                "Resident memory the trainer may use (default: $AUTOST_TRAINER_MEMORY_BUDGET or ${DEFAULT-VALUE}: 80 %% of",
                "the memory visible, the container's limit in a pod). A job whose estimated need exceeds its share",
                "fails with the reason instead of starting. 0 = no limit; sizes like 6g or 1536m."
            },
            defaultValue = "${env:AUTOST_TRAINER_MEMORY_BUDGET:-auto}")
    String memoryBudget;

    /** Every image, unless the options limit them. */
    public TrainerOptions() {
        this(0, 0);
    }

    /** These data limits unless the options say otherwise (a command's own defaults). */
    public TrainerOptions(int limitTrain, int limitTest) {
        limits = new LimitOptions(limitTrain, limitTest);
    }

    @Option(
            names = "--no-reuse",
            description = "Train every request, even one whose training (same genome, data, backbone, T and recipe)"
                    + " the cluster already holds; by default that result is reused.")
    boolean noReuse;

    @Option(
            names = "--table",
            paramLabel = "FILE",
            description = {
                "Replay: answer every train request from this tabulated benchmark (autost bench table) instead of",
                "training; no network is built, every result says replayed_from_table, and a genome or recipe the",
                "table lacks gets a FAILED result naming why."
            })
    Path table;

    @Option(
            names = "--replay-epoch-delay",
            paramLabel = "SECONDS",
            description = "With --table: wall time each replayed epoch takes (default: ${DEFAULT-VALUE}, at once).",
            defaultValue = "0")
    double replayEpochDelay;

    public String device() {
        return host.device();
    }

    public int limitTrain() {
        return limits.limitTrain();
    }

    public int limitTest() {
        return limits.limitTest();
    }

    /** The trainer's settings from these options; the experiment id is the service's to set. */
    public TrainerConfig template() {
        TrainerConfig d = TrainerConfig.of("unused");
        return new TrainerConfig(
                d.bootstrapServers(),
                d.trainerId(),
                d.groupId(),
                host.device(),
                host.dataDir(),
                checkpointDir,
                Recipe.named(recipe),
                limits.limitTrain(),
                limits.limitTest(),
                d.maxRequests(),
                d.concurrency(),
                MemoryBudget.parse(memoryBudget),
                !noReuse,
                d.idleExit(),
                replay());
    }

    /** The table of --table, read and checked (empty without --table). */
    public Optional<TableReplay> table() {
        return replay();
    }

    /** The table of --table, read and checked before anything starts. */
    private Optional<TableReplay> replay() {
        if (table == null) {
            if (replayEpochDelay != 0) {
                throw new IllegalArgumentException("--replay-epoch-delay needs --table");
            }
            return Optional.empty();
        }
        if (!(replayEpochDelay >= 0) || replayEpochDelay > 3600) {
            throw new IllegalArgumentException(
                    "--replay-epoch-delay must be between 0 and 3600 seconds, got " + replayEpochDelay);
        }
        return Optional.of(TableReplay.load(table, Duration.ofMillis(Math.round(replayEpochDelay * 1000))));
    }
}
