package dev.autost.models.train;

import ai.djl.Device;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.model.Backbone;
import dev.autost.domain.model.ModelSetting;
import dev.autost.models.data.Datasets;
import dev.autost.models.proxy.InitProxies;
import java.util.Map;
import java.util.Objects;

/**
 * Measures the training-free proxies of a genome's untrained network without training it: the
 * network is built and initialised from a seed exactly as a trainer builds it for that seed, and
 * {@link SpikingTrainer#measureProxies} runs on the first images of the training set. So the
 * prober's figures for a candidate equal the ones its trainer reports before training.
 *
 * <p>Thread-safe as far as DJL is: each call builds and closes its own network.
 */
public final class ProxyProbe {
    private final Datasets.Loaded data;
    private final Device device;
    private final int images;

    /**
     * @param data   the experiment's dataset (its training images feed the probe)
     * @param device {@code cpu}, {@code gpu} or {@code gpu:N}
     * @param images images in the probe's batch ({@link TrainingRun#DEFAULT_PROXY_IMAGES}, as trainers use)
     * @throws IllegalArgumentException if the device is not there or the dataset has too few images
     */
    public ProxyProbe(Datasets.Loaded data, String device, int images) {
        this.data = Objects.requireNonNull(data, "data");
        this.device = SpikingTrainer.device(device);
        if (images < 2 || images > data.train().count()) {
            throw new IllegalArgumentException(
                    "a probe needs 2.." + data.train().count() + " images, got " + images);
        }
        this.images = images;
    }

    /**
     * NASWOT, SAHD and the energy with the firing rates measured at initialisation, by the names
     * of {@link dev.autost.domain.search.Objective#PROBE_METRICS}.
     *
     * @param timeSteps T when the genome does not set it
     * @param seed      the seed the network is initialised from (the experiment's, as its trainers use)
     * @throws dev.autost.domain.genome.InvalidGenomeException if the genome cannot be built
     */
    public Map<String, Double> measure(Genome genome, Backbone backbone, int timeSteps, long seed) {
        ModelSetting setting = data.setting(backbone, genome.timeStepsOr(timeSteps));
        Recipe recipe = Recipe.defaults().toBuilder().optSeed(seed).build();
        try (SpikingTrainer trainer = new SpikingTrainer(genome, setting, recipe, device)) {
            InitProxies p = trainer.measureProxies(data.train(), images);
            return p.metrics(TrainingRun.energyPj(genome, setting, p.firingRates()));
        }
    }
}
