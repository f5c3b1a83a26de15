package dev.autost.trainer;

import dev.autost.domain.AutostException;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.genome.GenomeHash;
import dev.autost.domain.model.Backbone;
import dev.autost.domain.model.ModelSetting;
import dev.autost.messaging.TransientFailureException;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.models.data.DataUnavailableException;
import dev.autost.models.data.Datasets;
import dev.autost.models.train.CheckpointWriteException;
import dev.autost.models.train.EpochListener;
import dev.autost.models.train.EpochReport;
import dev.autost.models.train.MemoryEstimate;
import dev.autost.models.train.ProgressMeter;
import dev.autost.models.train.TrainingDivergedException;
import dev.autost.models.train.TrainingRun;
import dev.autost.models.train.UnreadableCheckpointException;
import dev.autost.observability.AutostMeters;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.TrainProgress;
import dev.autost.proto.v1.TrainRequest;
import dev.autost.proto.v1.TrainResult;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the architecture of one {@link TrainRequest} and turns every outcome into a
 * {@link TrainResult}: OK with accuracy, loss, images/s and firing rates, or FAILED with the
 * reason (a diverging loss, a genome that cannot be built, missing data, a job that ended its
 * process {@value JobAttempts#MAX} times: {@link JobAttempts}). A request whose training the
 * cluster already holds (same {@linkplain #trainingKey training key}, found by {@code trained}) is
 * not trained again: its result is that one's, with {@code reused_from} naming the experiment that
 * trained it. Runs on the thread that calls it: the DJL trainer is bound to one thread.
 */
record TrainingJob(
        TrainerConfig config, Datasets datasets, AutostMeters meters, Function<String, Optional<TrainResult>> trained) {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingJob.class);
    /** In-epoch progress at most this often per job: enough to watch, few records. */
    static final java.time.Duration PROGRESS_INTERVAL = java.time.Duration.ofSeconds(10);

    /**
     * @param progress   receives one message per finished epoch, and one every {@link #PROGRESS_INTERVAL}
     *                   inside an epoch
     * @param keepGoing  polled after each epoch; false stops after that epoch's checkpoint (a
     *                   worker shutting down), and the result is then null
     * @return the result, or null when stopped early
     */
    TrainResult run(TrainRequest req, Consumer<TrainProgress> progress, BooleanSupplier keepGoing) {
        TrainResult.Builder result = ReplayedTraining.resultOf(req, config.trainerId());
        if (config.replay().isPresent()) {
            return ReplayedTraining.run(config.replay().get(), req, result, progress, keepGoing);
        }
        Path dir;
        JobAttempts attempts;
        try {
            dir = checkpointDir(req);
            attempts = new JobAttempts(dir);
            int earlier = attempts.begin();
            if (earlier >= JobAttempts.MAX) {
                attempts.end();
                return failed(
                        result,
                        "gave up after " + earlier + " attempts that ended their trainer process without a result"
                                + " (out of memory, killed, or a crash in native code; see the trainers' logs)");
            }
        } catch (IllegalArgumentException e) {
            return failed(result, e.getMessage());
        } catch (java.io.IOException e) {
            // A volume not mounted yet, or full: nothing wrong with the request.
            throw new TransientFailureException("cannot use the checkpoint folder: " + e, e);
        }
        // No finally: a JVM error thrown from here must leave the start counted.
        TrainResult r;
        try {
            r = train(req, result, dir, progress, keepGoing);
        } catch (TransientFailureException e) {
            end(attempts, dir); // it did not end its process: not an attempt against it
            throw e;
        }
        end(attempts, dir);
        return r;
    }

    private static void end(JobAttempts attempts, Path dir) {
        try {
            attempts.end();
        } catch (java.io.IOException e) {
            LOG.warn("cannot clear the attempt count in {}: {}", dir, e.toString());
        }
    }

    /**
     * {@code ROOT/EXPERIMENT/HASH}, refused unless it stays under the root (the trainer handler
     * checks both names; this holds whoever calls).
     */
    private Path checkpointDir(TrainRequest req) {
        Path root = config.checkpointRoot().toAbsolutePath().normalize();
        Path dir =
                root.resolve(req.getExperimentId()).resolve(req.getGenomeHash()).normalize();
        if (!dir.startsWith(root) || dir.getNameCount() != root.getNameCount() + 2) {
            throw new IllegalArgumentException("checkpoint folder for experiment_id '" + req.getExperimentId()
                    + "' and genome_hash '" + req.getGenomeHash() + "' would leave the checkpoint root " + root);
        }
        return dir;
    }

    private TrainResult train(
            TrainRequest req,
            TrainResult.Builder result,
            Path checkpointDir,
            Consumer<TrainProgress> progress,
            BooleanSupplier keepGoing) {
        try {
            return trainUnlessDivergedTwice(req, result, checkpointDir, progress, keepGoing);
        } catch (UnreadableCheckpointException e) {
            // A checkpoint of an older build or a torn file: training again from the start loses
            // nothing a result needs, failing would lose the request.
            try {
                Path aside = e.setAside();
                LOG.warn(
                        "{}/{}: {}; set aside as {}, training from epoch 0",
                        req.getExperimentId(),
                        req.getGenomeHash(),
                        e.getMessage(),
                        aside);
            } catch (java.io.IOException moved) {
                return failed(result, e.getMessage() + " (and it cannot be set aside: " + moved + ")");
            }
            return trainUnlessDivergedTwice(req, result, checkpointDir, progress, keepGoing);
        }
    }

    /**
     * A training that diverged (its trainer already tried the epoch twice) is trained once more
     * by a fresh trainer, from its last checkpoint or the start, before it is reported diverged.
     * A recipe that diverges does so again; but a sound recipe also diverged now and then, twice
     * in one trainer and not in the next (docs/training.md#divergence; cause not found).
     */
    private TrainResult trainUnlessDivergedTwice(
            TrainRequest req,
            TrainResult.Builder result,
            Path checkpointDir,
            Consumer<TrainProgress> progress,
            BooleanSupplier keepGoing) {
        try {
            return trainOnce(req, result, checkpointDir, progress, keepGoing);
        } catch (TrainingDivergedException first) {
            LOG.warn(
                    "{}/{}: {}; training it once more from its last checkpoint to tell a diverging recipe"
                            + " from a one-off",
                    req.getExperimentId(),
                    req.getGenomeHash(),
                    first.getMessage());
            try {
                return trainOnce(req, result, checkpointDir, progress, keepGoing);
            } catch (TrainingDivergedException again) {
                return failed(
                        result, "diverged: " + again.getMessage() + " (the first try: " + first.getMessage() + ")");
            }
        }
    }

    private TrainResult trainOnce(
            TrainRequest req,
            TrainResult.Builder result,
            Path checkpointDir,
            Consumer<TrainProgress> progress,
            BooleanSupplier keepGoing) {
        String device = meterDevice(config.device());
        try {
            Genome genome = GenomeMessages.toDomain(req.getGenome());
            if (!genome.hash().equals(req.getGenomeHash())) {
                throw new IllegalArgumentException(
                        "genome_hash " + req.getGenomeHash() + " does not match the genome (" + genome.hash() + ")");
            }
            Datasets.Loaded data = datasets.get(req.getDataset().isEmpty() ? "fashion-mnist" : req.getDataset());
            TrainingRun run = TrainingRun.builder()
                    .setGenome(genome)
                    .setData(data)
                    .setRecipe(config.recipe().toBuilder()
                            .optEpochs(Math.max(1, req.getEpochs()))
                            .optScheduleEpochs(req.getScheduleEpochs())
                            .optSeed(req.getSeed())
                            .build())
                    .optBackbone(req.getBackbone().isEmpty() ? Backbone.AUTOST : Backbone.parse(req.getBackbone()))
                    .optTimeSteps(req.getTimeSteps() > 0 ? req.getTimeSteps() : ModelSetting.OFFICIAL.timeSteps())
                    .optDevice(config.device())
                    .optCheckpointDir(checkpointDir)
                    .optProxyImages(TrainingRun.DEFAULT_PROXY_IMAGES)
                    .build();
            String key = trainingKey(req, run, config.limitTrain(), config.limitTest());
            result.setTrainingKey(key).setRecipeKey(recipeKey(req, run, config.limitTrain(), config.limitTest()));
            Optional<TrainResult> earlier = earlierTraining(key);
            if (earlier.isPresent()) {
                LOG.info(
                        "{}/{}: reusing the training of {} (same genome, data, backbone, T and recipe)",
                        req.getExperimentId(),
                        req.getGenomeHash(),
                        earlier.get().getExperimentId());
                return earlier.get().toBuilder()
                        .setExperimentId(req.getExperimentId())
                        .setGenomeHash(req.getGenomeHash())
                        .setReusedFrom(earlier.get().getExperimentId())
                        .build();
            }
            MemoryEstimate memory = MemoryEstimate.of(genome, run.setting(), run.recipe());
            if (config.jobMemoryBudget() > 0 && memory.jobBytes() > config.jobMemoryBudget()) {
                // Refused before anything is built: a genome too large for the pod would otherwise
                // kill the worker before the commit, and come back on every restart.
                return failed(
                        result,
                        String.format(
                                java.util.Locale.ROOT,
                                "memory guard: training needs an estimated %s (batch %d, evaluation batch %d, T=%d);"
                                        + " a job may add %.2f GB (--memory-budget %.2f GB, %d job(s) at once)",
                                memory,
                                run.recipe().batchSize(),
                                run.recipe().evalBatchSize(),
                                run.setting().timeSteps(),
                                config.jobMemoryBudget() / 1e9,
                                config.memoryBudget() / 1e9,
                                config.concurrency()));
            }
            int epochs = run.recipe().epochs();
            LOG.info(
                    "training {}/{} (rank {}): {} on {} for {} epoch(s), {} on {}",
                    req.getExperimentId(),
                    req.getGenomeHash(),
                    req.getRank(),
                    genome,
                    req.getDataset(),
                    epochs,
                    run.setting().backbone().id(),
                    config.device());
            ProgressMeter meter = new ProgressMeter(epochs, run.recipe().batchSize(), PROGRESS_INTERVAL);
            TrainingRun.Outcome o = run.run(new EpochListener() {
                @Override
                public void onStep(int epoch, long step, long steps, double loss) {
                    meter.onStep(epoch, step, steps, loss)
                            .ifPresent(s -> progress.accept(TrainProgress.newBuilder()
                                    .setSchemaVersion(SchemaVersions.CURRENT)
                                    .setExperimentId(req.getExperimentId())
                                    .setGenomeHash(req.getGenomeHash())
                                    .setEpoch(s.epoch())
                                    .setEpochs(s.epochs())
                                    .setStep((int) s.step())
                                    .setSteps((int) s.steps())
                                    .setTrainLoss(s.loss())
                                    .setImagesPerSecond(s.imagesPerSecond())
                                    .setSecondsLeft(s.secondsLeft())
                                    .build()));
                }

                @Override
                public boolean onEpoch(EpochReport e) {
                    meters.trainerImages(device).increment(data.train().count());
                    meters.trainerEpoch(device).record((long) (e.seconds() * 1e9), TimeUnit.NANOSECONDS);
                    meters.trainerImagesPerSecond(device, e.imagesPerSecond());
                    progress.accept(TrainProgress.newBuilder()
                            .setSchemaVersion(SchemaVersions.CURRENT)
                            .setExperimentId(req.getExperimentId())
                            .setGenomeHash(req.getGenomeHash())
                            .setEpoch(e.epoch() + 1)
                            .setEpochs(epochs)
                            .setTrainLoss(e.trainLoss())
                            .setTrainAccuracy(e.trainAccuracy())
                            .setTestAccuracy(e.testAccuracy())
                            .setImagesPerSecond(e.imagesPerSecond())
                            .putAllFiringRates(e.firingRates())
                            .build());
                    return keepGoing.getAsBoolean();
                }
            });
            if (o.stopped()) {
                return null;
            }
            o.proxies().ifPresent(p -> result.putAllProxies(p.metrics(run.energyPj(p.firingRates()))));
            return result.setStatus(TrainResult.Status.OK)
                    .setTestAccuracy(o.fit().testAccuracy())
                    .setTrainLoss(o.fit().trainLoss())
                    .setImagesPerSecond(o.fit().imagesPerSecond())
                    .setParams(o.fit().params())
                    .putAllFiringRates(o.fit().firingRates())
                    .addAllEpochTestAccuracies(o.fit().epochs().stream()
                            .map(EpochReport::testAccuracy)
                            .toList())
                    .addAllEpochTrainLosses(o.fit().epochs().stream()
                            .map(EpochReport::trainLoss)
                            .toList())
                    .build();
        } catch (TrainingDivergedException | UnreadableCheckpointException e) {
            throw e; // handled by the caller: trained again
        } catch (CheckpointWriteException | DataUnavailableException e) {
            // Nothing wrong with the request: the same job later, uncommitted, not a FAILED result.
            throw new TransientFailureException(e.getMessage(), e);
        } catch (AutostException | IllegalArgumentException | java.io.UncheckedIOException e) {
            return failed(result, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("training {}/{} failed unexpectedly", req.getExperimentId(), req.getGenomeHash(), e);
            return failed(result, "unexpected error: " + e);
        } catch (VirtualMachineError e) {
            throw e; // the JVM may be unusable: let the process end; the attempt stays counted
        } catch (Error e) {
            // A linkage or assertion error is this job's, not the process's: fail the job, go on.
            LOG.error("training {}/{} failed with an error", req.getExperimentId(), req.getGenomeHash(), e);
            return failed(result, "unexpected error: " + e);
        }
    }

    /** The cluster's result with this key, if any; a lookup that fails trains anyway (reuse only saves time). */
    private Optional<TrainResult> earlierTraining(String key) {
        try {
            return trained.apply(key);
        } catch (RuntimeException e) {
            LOG.warn("cannot look up earlier trainings ({}); training anyway", e.toString());
            return Optional.empty();
        }
    }

    /**
     * What a request trains, as 16 hex digits of SHA-256 over the genome hash, the dataset and the
     * worker's limits on it, the backbone, T and the whole recipe as it runs (epochs, seed,
     * schedule, augmentation): equal keys train the same network the same way. The device is not
     * in it: a result trained on a GPU serves a CPU lab and back.
     */
    static String trainingKey(TrainRequest req, TrainingRun run, int limitTrain, int limitTest) {
        return GenomeHash.ofCanonical(String.join(
                "|",
                req.getGenomeHash(),
                req.getDataset().isEmpty() ? "fashion-mnist" : req.getDataset(),
                "limit_train=" + limitTrain,
                "limit_test=" + limitTest,
                run.setting().toString(),
                run.recipe().toString()));
    }

    /** {@link #trainingKey} without the genome: equal keys train different genomes the same way. */
    static String recipeKey(TrainRequest req, TrainingRun run, int limitTrain, int limitTest) {
        return GenomeHash.ofCanonical(String.join(
                "|",
                req.getDataset().isEmpty() ? "fashion-mnist" : req.getDataset(),
                "limit_train=" + limitTrain,
                "limit_test=" + limitTest,
                run.setting().toString(),
                run.recipe().toString()));
    }

    /** The device label of the trainer's meters: {@code gpu} for any GPU, else {@code cpu}. */
    static String meterDevice(String device) {
        return device.startsWith("gpu") ? "gpu" : "cpu";
    }

    private static TrainResult failed(TrainResult.Builder b, String reason) {
        LOG.warn("training {}/{} failed: {}", b.getExperimentId(), b.getGenomeHash(), reason);
        return b.setStatus(TrainResult.Status.FAILED)
                .setFailureReason(reason == null ? "unknown" : reason)
                .build();
    }
}
