package dev.autost.models.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.model.Backbone;
import dev.autost.domain.model.ModelSetting;
import dev.autost.models.data.FashionMnist;
import dev.autost.models.data.ImageDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * One epoch on the real Fashion-MNIST training set (60 000 images), evaluated on the
 * 10 000 test images. Not in the default suite (minutes on a CPU):
 * {@code mvn -pl services/models verify -Pfashion-mnist -Dtest=FashionMnistAccuracyTest}.
 */
@EnabledIfSystemProperty(named = "autost.realData", matches = "true")
class FashionMnistAccuracyTest {
    /** 28x28x1, patch 4 (pools after stem stages 3 and 4: 28 -> 14 -> 7, 49 tokens), T = 4. */
    static final ModelSetting SETTING = new ModelSetting(Backbone.AUTOST, 28, 1, 4, 10, 4, 32);

    static final Genome GENOME = Genome.uniform(1, 4, 4, 64);
    /** The short CPU recipe, one epoch. */
    static final Recipe RECIPE = Recipe.SHORT;

    @Test
    void fit_oneEpochRealData_reachesEightyPercent() throws Exception {
        // Everything from the domain jar is loaded before the long run (a reinstall of that
        // jar in ~/.m2 during the run once broke a lazily loaded class afterwards).
        long costModelParams = new CostModel(SETTING).params(GENOME);
        ImageDataset train = FashionMnist.load(Optional.empty(), true);
        ImageDataset test = FashionMnist.load(Optional.empty(), false);
        try (SpikingTrainer t = new SpikingTrainer(GENOME, SETTING, RECIPE, Device.cpu())) {
            FitResult r = t.fit(train, test, Optional.empty(), new EpochListener() {
                private double sum;

                @Override
                public void onStep(int epoch, long step, long steps, double loss) {
                    sum += loss;
                    if (step % 100 == 0) {
                        System.out.printf("step %d/%d loss(avg of last 100) %.4f%n", step, steps, sum / 100);
                        sum = 0;
                    }
                }

                @Override
                public boolean onEpoch(EpochReport e) {
                    System.out.printf(
                            "epoch %d test_accuracy %.4f train_loss %.4f train_accuracy %.4f "
                                    + "images_per_second %.1f seconds %.0f%n",
                            e.epoch(),
                            e.testAccuracy(),
                            e.trainLoss(),
                            e.trainAccuracy(),
                            e.imagesPerSecond(),
                            e.seconds());
                    return true;
                }
            });
            String summary = String.format(
                    "genome %s backbone %s params %d (cost model %d)%n"
                            + "test_accuracy %.4f train_loss %.4f train_accuracy %.4f images_per_second %.1f epoch_seconds %.0f%n"
                            + "firing_rates_init %s%nfiring_rates %s%n",
                    GENOME,
                    SETTING.backbone().id(),
                    r.params(),
                    costModelParams,
                    r.testAccuracy(),
                    r.trainLoss(),
                    r.epochs().get(0).trainAccuracy(),
                    r.imagesPerSecond(),
                    r.epochs().get(0).seconds(),
                    r.initialFiringRates(),
                    r.firingRates());
            System.out.print(summary);
            Files.writeString(Path.of("target", "fashion-mnist-result.txt"), summary);
            assertTrue(r.testAccuracy() >= 0.80, "test accuracy " + r.testAccuracy());
        }
    }
}
