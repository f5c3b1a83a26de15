package dev.autost.models.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.model.Backbone;
import dev.autost.domain.model.ModelSetting;
import dev.autost.models.data.ImageDataset;
import dev.autost.models.data.SyntheticImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libtorch prints its warnings once per process straight to file descriptor 2, so a fresh JVM
 * runs everything a trainer does (proxies, training with a checkpoint, a resume that restores
 * the optimiser, evaluation) and its standard error must hold none of them. Before
 * {@link ArrayContents}, the first restore printed libtorch's "AutoNonVariableTypeMode is
 * deprecated" warning.
 */
class EngineWarningsTest {

    @Test
    void trainerLifecycle_freshProcess_printsNoLibtorchWarning(@TempDir Path dir) throws Exception {
        Path err = dir.resolve("stderr.txt");
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Dai.djl.offline=true",
                        "-Dai.djl.pytorch.num_threads=1",
                        "-Dai.djl.pytorch.num_interop_threads=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        TrainerLifecycle.class.getName(),
                        dir.resolve("checkpoints").toString())
                .redirectError(err.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertTrue(child.waitFor(5, TimeUnit.MINUTES), "child still running");
        List<String> lines = Files.readAllLines(err);
        assertEquals(0, child.exitValue(), String.join("\n", lines));
        List<String> warnings = lines.stream()
                .filter(l -> l.matches("^\\[W\\d{4} .*") || l.contains("Warning:"))
                .collect(Collectors.toList());
        assertTrue(warnings.isEmpty(), "libtorch warned:\n" + String.join("\n", warnings));
    }

    /** The child process: what a trainer service does with one job, in small. */
    public static final class TrainerLifecycle {
        public static void main(String[] args) {
            ModelSetting setting = new ModelSetting(Backbone.AUTOST, 16, 1, 4, 4, 2, 32);
            Genome genome = Genome.uniform(1, 2, 2, 16);
            Recipe recipe = Recipe.defaults().toBuilder()
                    .optBatchSize(32)
                    .optEpochs(2)
                    .optFiringRateImages(64)
                    .build();
            ImageDataset train = SyntheticImages.generate(128, 4, 1, 16, 1);
            ImageDataset test = SyntheticImages.generate(64, 4, 1, 16, 2);
            Optional<Path> checkpoints = Optional.of(Path.of(args[0]));
            try (SpikingTrainer t = new SpikingTrainer(genome, setting, recipe, Device.cpu())) {
                t.measureProxies(train, 64);
                t.fit(train, test, checkpoints, new EpochListener() {
                    @Override
                    public boolean onEpoch(EpochReport report) {
                        return false; // stop after the first epoch's checkpoint
                    }
                });
            }
            try (SpikingTrainer t = new SpikingTrainer(genome, setting, recipe, Device.cpu())) {
                t.fit(train, test, checkpoints, EpochListener.NONE);
                t.evaluate(test);
            }
        }
    }
}
