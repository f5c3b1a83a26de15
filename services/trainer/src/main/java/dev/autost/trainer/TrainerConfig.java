package dev.autost.trainer;

import dev.autost.domain.benchmark.TableReplay;
import dev.autost.models.train.MemoryEstimate;
import dev.autost.models.train.Recipe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Settings of one trainer worker. Immutable; validated when built.
 *
 * @param bootstrapServers Kafka cluster
 * @param trainerId        client id prefix and the {@code worker_id} of results
 * @param groupId          consumer group of the trainers ({@value #DEFAULT_GROUP_ID})
 * @param device           {@code cpu}, {@code gpu} or {@code gpu:N}
 * @param dataDir          where datasets are, or empty for the standard locations
 * @param checkpointRoot   checkpoints go to {@code ROOT/EXPERIMENT/HASH}: a redelivered request
 *                         resumes there, so workers that share the volume share progress
 * @param recipe           training recipe; the request's epochs and seed replace its own
 * @param limitTrain       train on the first N images only (0 = all): short studies and tests
 * @param limitTest        evaluate on the first N test images only (0 = all)
 * @param maxRequests      stop after this many requests (0 = never): one-shot jobs (KEDA ScaledJob)
 * @param concurrency      jobs trained at once in this process, each by its own worker (a group
 *                         member with its own thread); more than 1 only without max-requests
 * @param memoryBudget     resident bytes this process may use for training (0 = no limit): a job
 *                         whose {@link MemoryEstimate} exceeds its share
 *                         ({@link #jobMemoryBudget}) fails before its model is built
 * @param idleExit         a worker that polled nothing and has nothing in work for this long
 *                         ends (zero = never): a one-shot Job assigned an empty partition
 *                         otherwise polled for ever, holding its GPU
 * @param reuseTrainings   hand a request the cluster's earlier result of the same training
 *                         instead of training again (default); off to train every request (to
 *                         measure, or to compare a training with itself)
 * @param replay           a tabulated benchmark that answers every request instead of training
 *                         ({@code --table}); no network is built, the results say so
 */
public record TrainerConfig(
        String bootstrapServers,
        String trainerId,
        String groupId,
        String device,
        Optional<Path> dataDir,
        Path checkpointRoot,
        Recipe recipe,
        int limitTrain,
        int limitTest,
        int maxRequests,
        int concurrency,
        long memoryBudget,
        boolean reuseTrainings,
        Duration idleExit,
        Optional<TableReplay> replay) {
    public static final String DEFAULT_GROUP_ID = "autost-trainer";
    /** Most jobs one process trains at once. */
    public static final int MAX_CONCURRENCY = 64;

    public TrainerConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(idleExit, "idleExit");
        Objects.requireNonNull(replay, "replay");
        if (idleExit.isNegative()) {
            throw new IllegalArgumentException("the idle exit must not be negative, got " + idleExit);
        }
        Objects.requireNonNull(trainerId, "trainerId");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(checkpointRoot, "checkpointRoot");
        Objects.requireNonNull(recipe, "recipe");
        if (limitTrain < 0 || limitTest < 0 || maxRequests < 0) {
            throw new IllegalArgumentException("limit_train, limit_test and max_requests must be >= 0, got "
                    + limitTrain + ", " + limitTest + ", " + maxRequests);
        }
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException(
                    "concurrency must be between 1 and " + MAX_CONCURRENCY + ", got " + concurrency);
        }
        if (concurrency > 1 && maxRequests > 0) {
            throw new IllegalArgumentException("max_requests is for one-shot workers that train one job at a time;"
                    + " it cannot be combined with concurrency " + concurrency);
        }
        if (memoryBudget < 0) {
            throw new IllegalArgumentException("memory_budget must be >= 0 (0 = no limit), got " + memoryBudget);
        }
        if (trainerId.isBlank()) {
            throw new IllegalArgumentException("trainer_id must not be blank");
        }
    }

    /** Defaults: CPU, standard data locations, checkpoints under {@code ./autost-checkpoints}, short recipe. */
    public static TrainerConfig of(String bootstrapServers) {
        return new TrainerConfig(
                bootstrapServers,
                "trainer",
                DEFAULT_GROUP_ID,
                "cpu",
                Optional.empty(),
                Path.of("autost-checkpoints"),
                Recipe.SHORT,
                0,
                0,
                0,
                1,
                0,
                true,
                Duration.ZERO,
                Optional.empty());
    }

    /** This worker's place: the cluster it joins and its id (results' {@code worker_id}, client ids). */
    public TrainerConfig withInstance(String bootstrap, String id) {
        return with(c -> {
            c.bootstrapServers = bootstrap;
            c.trainerId = id;
        });
    }

    public TrainerConfig withMaxRequests(int n) {
        return with(c -> c.maxRequests = n);
    }

    /** The same settings training {@code k} jobs at once. */
    public TrainerConfig withConcurrency(int k) {
        return with(c -> c.concurrency = k);
    }

    /** The same settings ending after {@code d} without work (zero = never). */
    public TrainerConfig withIdleExit(Duration d) {
        return with(c -> c.idleExit = d);
    }

    /** The same settings, reusing earlier trainings of the cluster or not. */
    public TrainerConfig withReuseTrainings(boolean reuse) {
        return with(c -> c.reuseTrainings = reuse);
    }

    /** The same settings answering every request from {@code table} instead of training (none: train). */
    public TrainerConfig withReplay(Optional<TableReplay> table) {
        return with(c -> c.replay = table);
    }

    /** The same settings with this process-wide memory budget in bytes (0 = no limit). */
    public TrainerConfig withMemoryBudget(long bytes) {
        return with(c -> c.memoryBudget = bytes);
    }

    /** A copy with {@code change} applied, validated like any config. */
    private TrainerConfig with(Consumer<Fields> change) {
        Fields c = new Fields(this);
        change.accept(c);
        return new TrainerConfig(
                c.bootstrapServers,
                c.trainerId,
                groupId,
                device,
                dataDir,
                checkpointRoot,
                recipe,
                limitTrain,
                limitTest,
                c.maxRequests,
                c.concurrency,
                c.memoryBudget,
                c.reuseTrainings,
                c.idleExit,
                c.replay);
    }

    /** The fields the withers change, the one place that copies them. */
    private static final class Fields {
        String bootstrapServers;
        String trainerId;
        int maxRequests;
        int concurrency;
        long memoryBudget;
        boolean reuseTrainings;
        Duration idleExit;
        Optional<TableReplay> replay;

        Fields(TrainerConfig c) {
            replay = c.replay;
            idleExit = c.idleExit;
            bootstrapServers = c.bootstrapServers;
            trainerId = c.trainerId;
            maxRequests = c.maxRequests;
            concurrency = c.concurrency;
            memoryBudget = c.memoryBudget;
            reuseTrainings = c.reuseTrainings;
        }
    }

    /**
     * What one job may add to the process: the budget less the process's own base, shared by the
     * jobs that run at once. 0 when there is no budget.
     */
    public long jobMemoryBudget() {
        if (memoryBudget == 0) {
            return 0;
        }
        return Math.max(1, (memoryBudget - MemoryEstimate.BASE_BYTES) / concurrency);
    }
}
