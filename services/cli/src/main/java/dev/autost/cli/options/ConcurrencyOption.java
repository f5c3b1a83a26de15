package dev.autost.cli.options;

import picocli.CommandLine.Option;

/** {@code --concurrency}: jobs one trainer process trains at once. */
public final class ConcurrencyOption {
    /**
     * Memory a job keeps at least when {@code auto} picks the count: the largest fashion-micro
     * genome peaked at 1.8-2.0 GB with tcmalloc (docs/training.md#memory).
     */
    public static final long AUTO_JOB_BYTES = 2L << 30;

    @Option(
            names = "--concurrency",
            paramLabel = "K",
            description = {
                "Trainer: jobs trained at once in this process, each by its own worker in the group",
                "(default: $AUTOST_TRAINER_CONCURRENCY or ${DEFAULT-VALUE}: one per core on a CPU, as many as the",
                "memory budget gives 2 GB each; 1 on a GPU and for one-shot --max-requests workers)."
            },
            defaultValue = "${env:AUTOST_TRAINER_CONCURRENCY:-auto}")
    String concurrency = "auto";

    /**
     * The number of jobs for a trainer with these settings.
     *
     * @throws IllegalArgumentException unless the option is auto or a whole number
     */
    public int concurrency(dev.autost.trainer.TrainerConfig trainer) {
        if (!concurrency.trim().equalsIgnoreCase("auto")) {
            try {
                return Integer.parseInt(concurrency.trim()); // its bounds are the trainer's to check
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "--concurrency must be auto or a whole number, got '" + concurrency + "'");
            }
        }
        if (trainer.device().startsWith("gpu") || trainer.maxRequests() > 0) {
            return 1;
        }
        return auto(Runtime.getRuntime().availableProcessors(), trainer.memoryBudget());
    }

    /** One job per core, at most as many as leave each {@link #AUTO_JOB_BYTES} of the budget (0: no limit). */
    public static int auto(int cores, long memoryBudget) {
        if (memoryBudget == 0) {
            return Math.max(1, cores);
        }
        long byMemory = (memoryBudget - dev.autost.models.train.MemoryEstimate.BASE_BYTES) / AUTO_JOB_BYTES;
        return (int) Math.max(1, Math.min(cores, byMemory));
    }
}
