package dev.autost.trainer;

import dev.autost.domain.AutostException;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.space.Backbone;
import dev.autost.domain.space.ModelSetting;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.models.train.EpochListener;
import dev.autost.models.train.EpochReport;
import dev.autost.models.train.SpikingTrainer;
import dev.autost.models.train.TrainConfig;
import dev.autost.models.train.TrainingDivergedException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the architecture of one {@link TrainRequest} and turns every outcome into a
 * {@link TrainResult}: OK with accuracy, loss, images/s and firing rates, or FAILED with the
 * reason (a diverging loss, a genome that cannot be built, missing data). Runs on the thread
 * that calls it: the DJL trainer is bound to one thread.
 */
final class TrainingJob {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingJob.class);

    private final TrainerConfig config;
    private final Datasets datasets;
    private final AutostMeters meters;

    TrainingJob(TrainerConfig config, Datasets datasets, AutostMeters meters) {
        this.config = config;
        this.datasets = datasets;
        this.meters = meters;
    }

    /**
     * @param progress   receives one message per finished epoch
     * @param keepGoing  polled after each epoch; false stops after that epoch's checkpoint (a
     *                   worker shutting down), and the result is then null
     * @return the result, or null when stopped early
     */
    TrainResult run(TrainRequest req, Consumer<TrainProgress> progress, BooleanSupplier keepGoing) {
        TrainResult.Builder result = TrainResult.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(req.getExperimentId())
                .setGenomeHash(req.getGenomeHash())
                .setWorkerId(config.trainerId());
        String device = config.device().startsWith("gpu") ? "gpu" : "cpu";
        try {
            Genome genome = GenomeMessages.toDomain(req.getGenome());
            if (!genome.hash().equals(req.getGenomeHash())) {
                throw new IllegalArgumentException(
                        "genome_hash " + req.getGenomeHash() + " does not match the genome (" + genome.hash() + ")");
            }
            Datasets.Loaded data = datasets.get(req.getDataset().isEmpty() ? "fashion-mnist" : req.getDataset());
            Backbone backbone = req.getBackbone().isEmpty() ? Backbone.AUTOST : Backbone.parse(req.getBackbone());
            int t = req.getTimeSteps() > 0 ? req.getTimeSteps() : genome.timeStepsOr(ModelSetting.OFFICIAL.timeSteps());
            ModelSetting setting = data.setting(backbone, t);
            TrainConfig recipe = config.recipe()
                    .withEpochs(Math.max(1, req.getEpochs()))
                    .withSeed(req.getSeed())
                    .withAugment(data.augment());
            Path checkpoints =
                    config.checkpointRoot().resolve(req.getExperimentId()).resolve(req.getGenomeHash());
            LOG.info(
                    "training {}/{} (rank {}): {} on {} for {} epoch(s), {} on {}",
                    req.getExperimentId(),
                    req.getGenomeHash(),
                    req.getRank(),
                    genome,
                    req.getDataset(),
                    recipe.epochs(),
                    backbone.id(),
                    config.device());
            boolean[] stopped = {false};
            try (SpikingTrainer trainer =
                    new SpikingTrainer(genome, setting, recipe, SpikingTrainer.device(config.device()))) {
                // Before fit(): the weights are the seeded initial ones even when fit() resumes.
                result.putAllProxies(proxies(trainer, genome, setting, data));
                dev.autost.models.train.TrainResult r =
                        trainer.fit(data.train(), data.test(), Optional.of(checkpoints), new EpochListener() {
                            @Override
                            public boolean onEpoch(EpochReport e) {
                                meters.trainerImages(device)
                                        .increment(data.train().count());
                                meters.trainerEpoch(device).record((long) (e.seconds() * 1e9), TimeUnit.NANOSECONDS);
                                meters.trainerImagesPerSecond(device, e.imagesPerSecond());
                                progress.accept(TrainProgress.newBuilder()
                                        .setSchemaVersion(SchemaVersions.CURRENT)
                                        .setExperimentId(req.getExperimentId())
                                        .setGenomeHash(req.getGenomeHash())
                                        .setEpoch(e.epoch() + 1)
                                        .setEpochs(recipe.epochs())
                                        .setTrainLoss(e.trainLoss())
                                        .setTrainAccuracy(e.trainAccuracy())
                                        .setTestAccuracy(e.testAccuracy())
                                        .setImagesPerSecond(e.imagesPerSecond())
                                        .putAllFiringRates(e.firingRates())
                                        .build());
                                boolean go = keepGoing.getAsBoolean();
                                stopped[0] = !go && e.epoch() + 1 < recipe.epochs(); // EpochReport counts from 0
                                return go;
                            }
                        });
                if (stopped[0]) {
                    return null;
                }
                trainer.saveModel(checkpoints.resolve("model.params"));
                return result.setStatus(TrainResult.Status.OK)
                        .setTestAccuracy(r.testAccuracy())
                        .setTrainLoss(r.trainLoss())
                        .setImagesPerSecond(r.imagesPerSecond())
                        .setParams(r.params())
                        .putAllFiringRates(r.firingRates())
                        .build();
            }
        } catch (TrainingDivergedException e) {
            return failed(result, "diverged: " + e.getMessage());
        } catch (AutostException | IllegalArgumentException | java.io.UncheckedIOException e) {
            return failed(result, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("training {}/{} failed unexpectedly", req.getExperimentId(), req.getGenomeHash(), e);
            return failed(result, "unexpected error: " + e);
        }
    }

    /** Images in the batch the proxies are measured on. */
    static final int PROXY_BATCH = 64;

    /** NASWOT, SAHD and the energy from firing rates at initialisation, on the first training images. */
    static java.util.Map<String, Double> proxies(
            SpikingTrainer trainer, Genome genome, ModelSetting setting, Datasets.Loaded data) {
        dev.autost.models.proxy.InitProxies p = trainer.measureProxies(
                data.train(), Math.min(PROXY_BATCH, data.train().count()));
        double energy = new dev.autost.domain.cost.CostModel(setting)
                .withRates(dev.autost.domain.cost.FiringRates.perLayer(
                        p.firingRates(), dev.autost.domain.cost.FiringRates.DEFAULT_RATE))
                .estimate(genome)
                .energyPj();
        return java.util.Map.of("naswot", p.naswot(), "sahd", p.sahd(), "energy_init_pj", energy);
    }

    private static TrainResult failed(TrainResult.Builder b, String reason) {
        LOG.warn("training {}/{} failed: {}", b.getExperimentId(), b.getGenomeHash(), reason);
        return b.setStatus(TrainResult.Status.FAILED)
                .setFailureReason(reason == null ? "unknown" : reason)
                .build();
    }
}
