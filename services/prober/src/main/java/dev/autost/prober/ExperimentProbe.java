package dev.autost.prober;

import dev.autost.domain.genome.Genome;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.models.data.Datasets;
import dev.autost.models.train.DjlSettings;
import dev.autost.models.train.ProxyProbe;
import dev.autost.models.train.SpikingTrainer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The probe of a candidate of an experiment: its network built for the experiment's dataset,
 * backbone and T, initialised from the experiment's seed (as its trainers initialise it), measured
 * on the first training images. What the prober service runs per score and what an offline search
 * runs in process, so both give the same figures. Datasets are loaded once per name.
 */
public final class ExperimentProbe {
    private final Datasets datasets;
    private final String device;
    private final int images;
    private final Map<String, ProxyProbe> probes = new ConcurrentHashMap<>();

    /**
     * @param device  {@code cpu}, {@code gpu} or {@code gpu:N}; a GPU that is not there is refused here
     * @param dataDir where the datasets are, or empty for the standard locations
     * @param images  images in a probe's batch
     * @throws IllegalArgumentException if the device is not available
     */
    public ExperimentProbe(String device, Optional<Path> dataDir, int images) {
        DjlSettings.applyDefaults(); // before the engine loads: offline, one intra-op thread
        if (!device.equals("cpu")) {
            SpikingTrainer.device(device); // fails the start, not every probe
        }
        this.datasets = new Datasets(dataDir, images, 1);
        this.device = device;
        this.images = images;
    }

    /**
     * NASWOT, SAHD and the energy at initialisation of {@code genome} in {@code plan}'s setting.
     *
     * @throws IllegalArgumentException if the plan's dataset is unknown or not available
     * @throws dev.autost.domain.genome.InvalidGenomeException if the network cannot be built
     */
    public Map<String, Double> measure(ExperimentPlan plan, Genome genome) {
        ProxyProbe probe =
                probes.computeIfAbsent(plan.dataset(), name -> new ProxyProbe(datasets.get(name), device, images));
        return probe.measure(
                genome,
                plan.space().setting().backbone(),
                plan.space().modelSetting().timeSteps(),
                plan.settings().seed());
    }
}
