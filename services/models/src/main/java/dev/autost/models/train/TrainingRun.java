package dev.autost.models.train;

import dev.autost.domain.cost.CostModel;
import dev.autost.domain.cost.FiringRates;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.model.Backbone;
import dev.autost.domain.model.ModelSetting;
import dev.autost.models.data.Datasets;
import dev.autost.models.proxy.InitProxies;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One training run, the single path from a genome to a trained network that the trainer service
 * and {@code autost train} share: the model is built for the data's geometry, the backbone and T;
 * optionally the training-free proxies are measured on the untrained model; then it is trained by
 * the recipe (resuming from a checkpoint folder when one is given), the final parameters saved,
 * and the energy recomputed with the firing rates measured after training.
 *
 * <p>Configured with a builder in DJL's habit: {@code setX} for what must be given, {@code optX}
 * for what has a default.
 *
 * <pre>{@code
 * TrainingRun.Outcome o = TrainingRun.builder()
 *         .setGenome(genome).setData(datasets.get("fashion-mnist")).setRecipe(Recipes.SHORT)
 *         .optCheckpointDir(dir).optProxyImages(64)
 *         .build()
 *         .run(listener);
 * }</pre>
 */
public final class TrainingRun {
    /** Images the proxies are measured on by default (one batch, as SNASNet and NASWOT do). */
    public static final int DEFAULT_PROXY_IMAGES = 64;

    private final Genome genome;
    private final Datasets.Loaded data;
    private final Recipe recipe;
    private final ModelSetting setting;
    private final String device;
    private final Optional<Path> checkpointDir;
    private final int proxyImages;
    private final Optional<Path> modelFile;

    private TrainingRun(Builder b) {
        this.genome = Objects.requireNonNull(b.genome, "genome");
        this.data = Objects.requireNonNull(b.data, "data");
        this.recipe = Objects.requireNonNull(b.recipe, "recipe").toBuilder()
                .optAugment(data.augment())
                .build();
        this.setting = data.setting(b.backbone, genome.timeStepsOr(b.timeSteps));
        this.device = b.device;
        this.checkpointDir = Optional.ofNullable(b.checkpointDir);
        this.proxyImages = b.proxyImages;
        this.modelFile =
                b.modelFile != null ? Optional.of(b.modelFile) : checkpointDir.map(d -> d.resolve("model.params"));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The network this run trains: the data's geometry with the chosen backbone and T. */
    public ModelSetting setting() {
        return setting;
    }

    /** The recipe as it runs (the data decides augmentation). */
    public Recipe recipe() {
        return recipe;
    }

    /**
     * Trains. A listener that returns false from {@code onEpoch} stops after that epoch's
     * checkpoint; the outcome then says {@link Outcome#stopped()}.
     *
     * @throws TrainingDivergedException if the loss becomes NaN or infinite
     * @throws dev.autost.domain.genome.InvalidGenomeException if the genome cannot be built
     */
    public Outcome run(EpochListener listener) {
        try (SpikingTrainer trainer = new SpikingTrainer(genome, setting, recipe, SpikingTrainer.device(device))) {
            // Before fit(): the weights are the seeded initial ones even when fit() resumes.
            Optional<InitProxies> proxies = proxyImages > 0
                    ? Optional.of(trainer.measureProxies(
                            data.train(), Math.min(proxyImages, data.train().count())))
                    : Optional.empty();
            boolean[] stopped = {false};
            FitResult fit = trainer.fit(data.train(), data.test(), checkpointDir, new EpochListener() {
                @Override
                public void onStep(int epoch, long step, long steps, double loss) {
                    listener.onStep(epoch, step, steps, loss);
                }

                @Override
                public boolean onEpoch(EpochReport e) {
                    boolean go = listener.onEpoch(e);
                    stopped[0] = !go && e.epoch() + 1 < recipe.epochs(); // EpochReport counts from 0
                    return go;
                }
            });
            if (stopped[0]) {
                return new Outcome(fit, proxies, Double.NaN, Optional.empty(), true);
            }
            modelFile.ifPresent(trainer::saveModel);
            return new Outcome(fit, proxies, energyPj(fit.firingRates()), modelFile, false);
        }
    }

    /** The cost model's energy of this genome with measured firing rates (others at the default rate). */
    public double energyPj(Map<String, Double> firingRates) {
        return energyPj(genome, setting, firingRates);
    }

    /** The cost model's energy of {@code genome} in {@code setting} with measured firing rates (others at the default rate). */
    static double energyPj(Genome genome, ModelSetting setting, Map<String, Double> firingRates) {
        return new CostModel(setting)
                .withRates(FiringRates.perLayer(firingRates, FiringRates.DEFAULT_RATE))
                .estimate(genome)
                .energyPj();
    }

    /**
     * What a run produced.
     *
     * @param fit                the training result (per-epoch reports, firing rates, accuracy)
     * @param proxies            NASWOT, SAHD and the firing rates at initialisation, when measured
     * @param energyMeasuredPj   energy with the firing rates measured after training (NaN when stopped)
     * @param model              where the final parameters were saved (with a checkpoint folder)
     * @param stopped            true when the listener stopped the run before its last epoch
     */
    public record Outcome(
            FitResult fit,
            Optional<InitProxies> proxies,
            double energyMeasuredPj,
            Optional<Path> model,
            boolean stopped) {
        public Outcome {
            Objects.requireNonNull(fit, "fit");
            Objects.requireNonNull(proxies, "proxies");
            Objects.requireNonNull(model, "model");
        }
    }

    /** Builds a {@link TrainingRun}; genome, data and recipe are required. */
    public static final class Builder {
        private Genome genome;
        private Datasets.Loaded data;
        private Recipe recipe;
        private Backbone backbone = Backbone.AUTOST;
        private int timeSteps = ModelSetting.OFFICIAL.timeSteps();
        private String device = "cpu";
        private Path checkpointDir;
        private int proxyImages;
        private Path modelFile;

        private Builder() {}

        public Builder setGenome(Genome genome) {
            this.genome = genome;
            return this;
        }

        /** The train and test splits and their geometry ({@link Datasets#get}). */
        public Builder setData(Datasets.Loaded data) {
            this.data = data;
            return this;
        }

        /** The recipe (epochs, seed, optimiser, schedule); augmentation follows the data. */
        public Builder setRecipe(Recipe recipe) {
            this.recipe = recipe;
            return this;
        }

        /** {@code autost} (default) or {@code spikformer}. */
        public Builder optBackbone(Backbone backbone) {
            this.backbone = Objects.requireNonNull(backbone, "backbone");
            return this;
        }

        /** T when the genome does not set it (default 4). */
        public Builder optTimeSteps(int timeSteps) {
            this.timeSteps = timeSteps;
            return this;
        }

        /** {@code cpu} (default), {@code gpu} or {@code gpu:N}. */
        public Builder optDevice(String device) {
            this.device = Objects.requireNonNull(device, "device");
            return this;
        }

        /** Checkpoints after every epoch, resume from them, and the final {@code model.params} go here. */
        public Builder optCheckpointDir(Path dir) {
            this.checkpointDir = dir;
            return this;
        }

        /** Measure the proxies at initialisation on this many training images (0, the default: do not). */
        public Builder optProxyImages(int images) {
            if (images < 0) {
                throw new IllegalArgumentException("proxy images must be >= 0, got " + images);
            }
            this.proxyImages = images;
            return this;
        }

        /** Where the final parameters go (default: {@code model.params} in the checkpoint folder, else nowhere). */
        public Builder optModelFile(Path file) {
            this.modelFile = file;
            return this;
        }

        public TrainingRun build() {
            return new TrainingRun(this);
        }
    }
}
