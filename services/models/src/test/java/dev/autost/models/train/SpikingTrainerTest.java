package dev.autost.models.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.model.Backbone;
import dev.autost.domain.model.ModelSetting;
import dev.autost.models.data.ImageDataset;
import dev.autost.models.data.SyntheticImages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpikingTrainerTest {
    private static final ModelSetting TINY = new ModelSetting(Backbone.AUTOST, 16, 1, 4, 4, 2, 32);
    private static final Genome GENOME = Genome.uniform(1, 2, 2, 16);
    private static final Recipe RECIPE = Recipe.defaults().toBuilder()
            .optBatchSize(32)
            .optLearningRate(5e-3f)
            .optWarmupEpochs(0.2)
            .optWeightDecay(0.01f)
            .optFiringRateImages(64)
            .build();

    private static final ImageDataset TRAIN = SyntheticImages.generate(256, 4, 1, 16, 1);
    private static final ImageDataset TEST = SyntheticImages.generate(64, 4, 1, 16, 2);

    @Test
    void fit_syntheticData_lossGoesDown() {
        for (Backbone b : Backbone.values()) {
            List<Double> losses = new ArrayList<>();
            try (SpikingTrainer t = new SpikingTrainer(
                    GENOME,
                    TINY.withBackbone(b),
                    RECIPE.toBuilder().optEpochs(3).build(),
                    Device.cpu())) {
                FitResult r = t.fit(TRAIN, TEST, Optional.empty(), new EpochListener() {
                    @Override
                    public void onStep(int epoch, long step, long steps, double loss) {
                        losses.add(loss);
                    }
                });
                double first = (losses.get(0) + losses.get(1) + losses.get(2)) / 3;
                int n = losses.size();
                double last = (losses.get(n - 1) + losses.get(n - 2) + losses.get(n - 3)) / 3;
                assertTrue(last < first * 0.8, b + ": loss " + first + " -> " + last);
                assertEquals(3, r.epochs().size());
                assertEquals(t.model().neurons().keySet(), r.firingRates().keySet());
                assertEquals(
                        t.model().neurons().keySet(), r.initialFiringRates().keySet());
                assertTrue(r.imagesPerSecond() > 0);
                assertTrue(r.testAccuracy() >= 0 && r.testAccuracy() <= 1);
            }
        }
    }

    /**
     * Trainers on separate threads of one process (the trainer service's {@code --concurrency}):
     * each result equals what the same genome and seed give alone, to the bit. Before
     * {@link ThreadAutograd}, the second thread's gradient collector threw "only one can be
     * collecting at a time".
     */
    @Test
    void fit_twoTrainersOnTwoThreads_eachEqualsItsSoloRun() throws Exception {
        Genome other = Genome.uniform(1, 4, 1, 16);
        Recipe cfg = RECIPE.toBuilder().optEpochs(2).build();
        Recipe otherCfg = cfg.toBuilder().optSeed(7).build();
        Solo aAlone = solo(GENOME, cfg);
        Solo bAlone = solo(other, otherCfg);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> solo(GENOME, cfg));
            var b = pool.submit(() -> solo(other, otherCfg));
            assertEquals(aAlone, a.get());
            assertEquals(bAlone, b.get());
        } finally {
            pool.shutdownNow();
        }
        assertTrue(!aAlone.weights().equals(bAlone.weights()), "two different models");
    }

    /** What a run leaves behind, comparable with equals (weights as a list of floats). */
    private record Solo(List<Double> losses, List<Double> accuracies, List<Float> weights) {}

    private static Solo solo(Genome genome, Recipe cfg) {
        try (SpikingTrainer t = new SpikingTrainer(genome, TINY, cfg, Device.cpu())) {
            FitResult r = t.fit(TRAIN, TEST, Optional.empty(), EpochListener.NONE);
            List<Float> w = new ArrayList<>();
            for (float f : weights(t)) {
                w.add(f);
            }
            return new Solo(
                    r.epochs().stream().map(EpochReport::trainLoss).toList(),
                    r.epochs().stream().map(EpochReport::testAccuracy).toList(),
                    w);
        }
    }

    @Test
    void fit_mixupAndAugment_runsAndStaysFinite() {
        Recipe cfg = RECIPE.toBuilder()
                .optMixup(0.5f, 1)
                .optAugment(true)
                .optEpochs(2)
                .build();
        try (SpikingTrainer t = new SpikingTrainer(GENOME, TINY, cfg, Device.cpu())) {
            FitResult r = t.fit(TRAIN, TEST, Optional.empty(), EpochListener.NONE);
            assertTrue(Double.isFinite(r.trainLoss()));
        }
    }

    @Test
    void fit_resumedAfterStop_sameWeightsAsUninterrupted(@TempDir Path dir) {
        Recipe cfg = RECIPE.toBuilder().optEpochs(2).build();
        float[] straight;
        try (SpikingTrainer t = new SpikingTrainer(GENOME, TINY, cfg, Device.cpu())) {
            t.fit(TRAIN, TEST, Optional.of(dir.resolve("a")), EpochListener.NONE);
            straight = weights(t);
        }
        try (SpikingTrainer t = new SpikingTrainer(GENOME, TINY, cfg, Device.cpu())) {
            FitResult first = t.fit(TRAIN, TEST, Optional.of(dir.resolve("b")), new EpochListener() {
                @Override
                public boolean onEpoch(EpochReport report) {
                    return false; // "killed" after the first epoch's checkpoint
                }
            });
            assertEquals(1, first.epochs().size());
        }
        try (SpikingTrainer t = new SpikingTrainer(GENOME, TINY, cfg, Device.cpu())) {
            FitResult resumed = t.fit(TRAIN, TEST, Optional.of(dir.resolve("b")), EpochListener.NONE);
            assertEquals(2, resumed.epochs().size());
            assertArrayEquals(straight, weights(t));
        }
    }

    /**
     * Successive halving's promotion: a rung of 1 epoch on a 3-epoch schedule, continued from its
     * checkpoint to 3 epochs, is the 3-epoch run (its first epoch too). Without the schedule span
     * the 1-epoch run decays its learning rate to the minimum and the continuation differs.
     */
    @Test
    void fit_rungContinuedToMoreEpochs_equalsTheLongRun(@TempDir Path dir) {
        Recipe top = RECIPE.toBuilder().optEpochs(3).build();
        FitResult straight;
        float[] straightWeights;
        try (SpikingTrainer t = new SpikingTrainer(GENOME, TINY, top, Device.cpu())) {
            straight = t.fit(TRAIN, TEST, Optional.of(dir.resolve("a")), EpochListener.NONE);
            straightWeights = weights(t);
        }
        Recipe rung = RECIPE.toBuilder().optEpochs(1).optScheduleEpochs(3).build();
        try (SpikingTrainer t = new SpikingTrainer(GENOME, TINY, rung, Device.cpu())) {
            FitResult first = t.fit(TRAIN, TEST, Optional.of(dir.resolve("b")), EpochListener.NONE);
            assertEquals(straight.epochs().get(0).testAccuracy(), first.testAccuracy());
        }
        Recipe promoted = RECIPE.toBuilder().optEpochs(3).optScheduleEpochs(3).build();
        assertEquals(top, promoted, "a schedule of the run's own length is no schedule");
        try (SpikingTrainer t = new SpikingTrainer(GENOME, TINY, promoted, Device.cpu())) {
            FitResult continued = t.fit(TRAIN, TEST, Optional.of(dir.resolve("b")), EpochListener.NONE);
            assertEquals(
                    straight.epochs().stream().map(EpochReport::testAccuracy).toList(),
                    continued.epochs().stream().map(EpochReport::testAccuracy).toList());
            assertArrayEquals(straightWeights, weights(t));
        }
    }

    /**
     * A step's loss is checked before its update, so a last update that leaves a NaN weight was
     * evaluated and checkpointed, and every later try started from it (a rung's continuation
     * then failed twice in CI). Now the epoch is trained again: the same as a clean run.
     */
    @Test
    void fit_lastUpdateOfAnEpochLeavesANan_epochTrainedAgainAndNothingNanKept(@TempDir Path dir) {
        Recipe cfg = RECIPE.toBuilder().optEpochs(2).build();
        float[] clean;
        try (SpikingTrainer t = new SpikingTrainer(GENOME, TINY, cfg, Device.cpu())) {
            t.fit(TRAIN, TEST, Optional.of(dir.resolve("clean")), EpochListener.NONE);
            clean = weights(t);
        }
        try (SpikingTrainer t = new SpikingTrainer(GENOME, TINY, cfg, Device.cpu())) {
            boolean[] poisoned = {false};
            FitResult r = t.fit(TRAIN, TEST, Optional.of(dir.resolve("poisoned")), new EpochListener() {
                @Override
                public void onStep(int epoch, long step, long steps, double loss) {
                    if (step == steps && !poisoned[0]) { // after the epoch's last update, once
                        poisoned[0] = true;
                        poison(t);
                    }
                }
            });
            assertTrue(poisoned[0]);
            assertEquals(2, r.epochs().size());
            assertArrayEquals(clean, weights(t));
        }
        try (SpikingTrainer t = new SpikingTrainer(GENOME, TINY, cfg, Device.cpu())) {
            TrainingDivergedException e = assertThrows(
                    TrainingDivergedException.class,
                    () -> t.fit(TRAIN, TEST, Optional.of(dir.resolve("always")), new EpochListener() {
                        @Override
                        public void onStep(int epoch, long step, long steps, double loss) {
                            if (step == steps) {
                                poison(t);
                            }
                        }
                    }));
            assertTrue(e.getMessage().contains("is not finite after epoch 1"), e.getMessage());
            assertTrue(!Checkpoint.exists(dir.resolve("always")), "no checkpoint of NaN weights");
        }
    }

    /** A checkpoint holding a NaN weight (an older build kept them) is unreadable: set aside, trained from 0. */
    @Test
    void fit_checkpointWithANanWeight_isUnreadable(@TempDir Path dir) throws Exception {
        Recipe rung = RECIPE.toBuilder().optEpochs(1).optScheduleEpochs(2).build();
        Recipe promoted = RECIPE.toBuilder().optEpochs(2).build();
        try (SpikingTrainer t = new SpikingTrainer(GENOME, TINY, rung, Device.cpu())) {
            t.fit(TRAIN, TEST, Optional.of(dir), EpochListener.NONE);
        }
        try (SpikingTrainer t = new SpikingTrainer(GENOME, TINY, rung, Device.cpu());
                NDManager m = NDManager.newBaseManager()) {
            byte[][] optimizer = new byte[1][];
            Checkpoint.Header h = Checkpoint.load(
                    dir,
                    t.modelId(),
                    in -> {
                        try {
                            t.model().loadParameters(m, in);
                        } catch (ai.djl.MalformedModelException e) {
                            throw new java.io.IOException(e);
                        }
                    },
                    in -> optimizer[0] = in.readAllBytes());
            poison(t);
            Checkpoint.save(dir, h, t.model()::saveParameters, out -> out.write(optimizer[0]));
        }
        try (SpikingTrainer t = new SpikingTrainer(GENOME, TINY, promoted, Device.cpu())) {
            UnreadableCheckpointException e = assertThrows(
                    UnreadableCheckpointException.class,
                    () -> t.fit(TRAIN, TEST, Optional.of(dir), EpochListener.NONE));
            assertTrue(e.getMessage().contains("in the checkpoint is not finite"), e.getMessage());
        }
    }

    /** Puts a NaN into the model's first parameter. */
    private static void poison(SpikingTrainer t) {
        NDArray a = t.model().getParameters().values().get(0).getArray();
        float[] values = a.toFloatArray();
        values[0] = Float.NaN;
        ArrayContents.replace(a, values);
    }

    @Test
    void recipe_scheduleShorterThanTheRun_refused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> RECIPE.toBuilder().optEpochs(3).optScheduleEpochs(2).build());
        assertTrue(e.getMessage().contains("schedule_epochs"), e.getMessage());
    }

    /**
     * The trainer service measures the proxies (forward passes) before {@code fit}; a resume must
     * then still train and evaluate the loaded weights, not the initial ones the first forward
     * pass handed to the parameter store.
     */
    @Test
    void fit_resumedAfterForwardPasses_sameLossAccuracyAndWeightsAsUninterrupted(@TempDir Path dir) {
        Recipe cfg = RECIPE.toBuilder().optEpochs(3).build();
        FitResult straight;
        float[] straightWeights;
        try (SpikingTrainer t = new SpikingTrainer(GENOME, TINY, cfg, Device.cpu())) {
            t.measureProxies(TRAIN, 16);
            straight = t.fit(TRAIN, TEST, Optional.of(dir.resolve("a")), EpochListener.NONE);
            straightWeights = weights(t);
        }
        try (SpikingTrainer t = new SpikingTrainer(GENOME, TINY, cfg, Device.cpu())) {
            t.measureProxies(TRAIN, 16);
            t.fit(TRAIN, TEST, Optional.of(dir.resolve("b")), new EpochListener() {
                @Override
                public boolean onEpoch(EpochReport report) {
                    return false; // stopped after the first epoch's checkpoint
                }
            });
        }
        try (SpikingTrainer t = new SpikingTrainer(GENOME, TINY, cfg, Device.cpu())) {
            t.measureProxies(TRAIN, 16);
            FitResult resumed = t.fit(TRAIN, TEST, Optional.of(dir.resolve("b")), EpochListener.NONE);
            assertEquals(straight.trainLoss(), resumed.trainLoss());
            assertEquals(straight.testAccuracy(), resumed.testAccuracy());
            assertEquals(
                    straight.epochs().stream().map(EpochReport::testAccuracy).toList(),
                    resumed.epochs().stream().map(EpochReport::testAccuracy).toList());
            assertArrayEquals(straightWeights, weights(t));
        }
    }

    @Test
    void loadModel_afterAForwardPass_servesTheLoadedWeights(@TempDir Path dir) {
        Path file = dir.resolve("model.params");
        var trained = new java.util.TreeMap<String, Double>();
        try (SpikingTrainer t = new SpikingTrainer(GENOME, TINY, RECIPE, Device.cpu())) {
            t.fit(TRAIN, TEST, Optional.empty(), EpochListener.NONE);
            trained.putAll(t.measureFiringRates(TEST, 64));
            t.saveModel(file);
        }
        try (SpikingTrainer t =
                new SpikingTrainer(GENOME, TINY, RECIPE.toBuilder().optSeed(99).build(), Device.cpu())) {
            // The first forward pass hands the untrained arrays to the parameter store.
            assertTrue(!trained.equals(new java.util.TreeMap<>(t.measureFiringRates(TEST, 64))));
            t.loadModel(file);
            assertEquals(trained, new java.util.TreeMap<>(t.measureFiringRates(TEST, 64)));
        }
    }

    @Test
    void saveModel_loadIntoFreshTrainer_sameAccuracy(@TempDir Path dir) {
        Path file = dir.resolve("model.params");
        double acc;
        try (SpikingTrainer t = new SpikingTrainer(GENOME, TINY, RECIPE, Device.cpu())) {
            t.fit(TRAIN, TEST, Optional.empty(), EpochListener.NONE);
            acc = t.evaluate(TEST);
            t.saveModel(file);
        }
        try (SpikingTrainer t =
                new SpikingTrainer(GENOME, TINY, RECIPE.toBuilder().optSeed(99).build(), Device.cpu())) {
            t.loadModel(file);
            assertEquals(acc, t.evaluate(TEST));
        }
    }

    @Test
    void backward_gcBetweenForwardAndBackward_allParameterGradientsFinite() {
        for (Backbone b : Backbone.values()) {
            try (SpikingTrainer t = new SpikingTrainer(GENOME, TINY.withBackbone(b), RECIPE, Device.cpu());
                    NDManager m = NDManager.newBaseManager()) {
                NDArray x = m.randomNormal(t.model().inputShape(8));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = t.model()
                            .forward(new ParameterStore(m, false), new NDList(x), true)
                            .singletonOrThrow();
                    NDArray loss = y.square().mean();
                    for (int i = 0; i < 3; i++) {
                        System.gc();
                    }
                    gc.backward(loss);
                }
                for (Parameter p : t.model().getParameters().values()) {
                    if (p.requiresGradient()) {
                        for (float g : p.getArray().getGradient().toFloatArray()) {
                            assertTrue(Float.isFinite(g), b + " " + p.getName() + " gradient " + g);
                        }
                    }
                }
            }
        }
    }

    @Test
    void fit_wrongGeometry_throwsNamingBoth() {
        try (SpikingTrainer t = new SpikingTrainer(GENOME, TINY, RECIPE, Device.cpu())) {
            ImageDataset rgb = SyntheticImages.generate(8, 4, 3, 16, 1);
            var e = assertThrows(
                    IllegalArgumentException.class, () -> t.fit(rgb, TEST, Optional.empty(), EpochListener.NONE));
            assertTrue(e.getMessage().contains("16x16x3"), e.getMessage());
        }
    }

    @Test
    void measureFiringRates_atInit_someLayersFireAndRunningStatsUnchanged() {
        try (SpikingTrainer t = new SpikingTrainer(GENOME, TINY, RECIPE, Device.cpu())) {
            float[] before = weights(t);
            var rates = t.measureFiringRates(TEST, 64);
            assertEquals(t.model().neurons().keySet(), rates.keySet());
            assertTrue(rates.values().stream().anyMatch(r -> r > 0), rates.toString());
            assertArrayEquals(before, weights(t));
        }
    }

    @Test
    void measureProxies_atInit_givesFiniteScoresAndRatesAndChangesNothing() {
        try (SpikingTrainer t = new SpikingTrainer(GENOME, TINY, RECIPE, Device.cpu())) {
            float[] before = weights(t);
            var p = t.measureProxies(TEST, 16);
            assertTrue(Double.isFinite(p.naswot()) && Double.isFinite(p.sahd()), p.toString());
            assertEquals(t.model().neurons().keySet(), p.firingRates().keySet());
            assertArrayEquals(before, weights(t));
            // Same batch, same untrained weights: the proxies are a function of the model.
            var again = t.measureProxies(TEST, 16);
            assertEquals(p.naswot(), again.naswot(), 1e-6 * Math.abs(p.naswot()));
        }
    }

    @Test
    void learningRateSchedule_warmupThenCosine_hitsEndpoints() {
        LearningRateSchedule s = new LearningRateSchedule(1e-3f, 1e-5f, 1e-6f, 10, 110);
        assertEquals(1e-6f, s.at(0), 1e-9f);
        assertEquals(1e-3f, s.at(10), 1e-9f);
        assertEquals((1e-3f + 1e-5f) / 2, s.at(60), 1e-7f);
        assertEquals(1e-5f, s.at(110), 1e-9f);
    }

    private static float[] weights(SpikingTrainer t) {
        List<Float> all = new ArrayList<>();
        for (Parameter p : t.model().getParameters().values()) {
            for (float f : p.getArray().toFloatArray()) {
                all.add(f);
            }
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }
}
