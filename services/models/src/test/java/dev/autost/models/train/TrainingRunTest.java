package dev.autost.models.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.genome.Genome;
import dev.autost.models.data.Datasets;
import dev.autost.models.data.SyntheticImages;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRunTest {
    private static final Datasets.Loaded DATA = new Datasets.Loaded(
            SyntheticImages.generate(128, 4, 1, 16, 1), SyntheticImages.generate(32, 4, 1, 16, 2), 16, 1, 4, false);
    private static final Recipe RECIPE = Recipe.defaults().toBuilder()
            .optBatchSize(32)
            .optLearningRate(5e-3f)
            .optFiringRateImages(32)
            .build();

    @Test
    void run_withProxiesAndCheckpoints_measuresProxiesSavesTheModelAndTheMeasuredEnergy(@TempDir Path dir) {
        TrainingRun run = TrainingRun.builder()
                .setGenome(Genome.uniform(1, 2, 2, 16))
                .setData(DATA)
                .setRecipe(RECIPE.toBuilder().optEpochs(2).build())
                .optTimeSteps(2)
                .optCheckpointDir(dir)
                .optProxyImages(16)
                .build();
        assertEquals(16, run.setting().imageSize());
        assertEquals(2, run.setting().timeSteps());
        TrainingRun.Outcome o = run.run(EpochListener.NONE);
        assertFalse(o.stopped());
        assertEquals(2, o.fit().epochs().size());
        assertTrue(o.proxies().isPresent() && Double.isFinite(o.proxies().get().sahd()), o.toString());
        assertTrue(Files.isRegularFile(dir.resolve("model.params")));
        assertEquals(run.energyPj(o.fit().firingRates()), o.energyMeasuredPj());
        assertTrue(o.energyMeasuredPj() > 0);
    }

    @Test
    void run_listenerStopsAfterTheFirstEpoch_outcomeSaysStoppedAndNoModelIsSaved(@TempDir Path dir) {
        TrainingRun.Outcome o = TrainingRun.builder()
                .setGenome(Genome.uniform(1, 2, 2, 16))
                .setData(DATA)
                .setRecipe(RECIPE.toBuilder().optEpochs(3).build())
                .optTimeSteps(2)
                .optCheckpointDir(dir)
                .build()
                .run(new EpochListener() {
                    @Override
                    public boolean onEpoch(EpochReport report) {
                        return false;
                    }
                });
        assertTrue(o.stopped());
        assertTrue(o.proxies().isEmpty());
        assertFalse(Files.exists(dir.resolve("model.params")));
    }

    @Test
    void build_withoutGenome_namesIt() {
        NullPointerException e = assertThrows(
                NullPointerException.class,
                () -> TrainingRun.builder().setData(DATA).setRecipe(RECIPE).build());
        assertEquals("genome", e.getMessage());
    }
}
