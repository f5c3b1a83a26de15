package dev.autost.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autost.domain.cost.CostEstimate;
import dev.autost.domain.cost.CostModel;
import dev.autost.domain.cost.FiringRates;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.space.Backbone;
import dev.autost.domain.space.ModelSetting;
import dev.autost.models.data.ImageDataset;
import dev.autost.models.train.EpochListener;
import dev.autost.models.train.EpochReport;
import dev.autost.models.train.SpikingTrainer;
import dev.autost.models.train.TrainConfig;
import dev.autost.models.train.TrainResult;
import dev.autost.trainer.Datasets;
import dev.autost.trainer.DjlSettings;
import dev.autost.trainer.TrainerConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code autost train}: trains one genome and writes {@code OUT/result.json}. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Trains one architecture on a dataset and writes OUT/result.json (test_accuracy, train_loss,",
            "images_per_second, params, firing_rates, per-epoch reports, and the energy estimate with the measured rates).",
            "Checkpoints go to OUT/checkpoint after every epoch: running the same command again resumes."
        })
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--arch", required = true, description = "Genome JSON, or a .json / RETRAIN .yaml file.")
    String arch;

    @Option(
            names = "--dataset",
            description = "fashion-mnist, cifar10 or cifar100 (default: ${DEFAULT-VALUE}).",
            defaultValue = "fashion-mnist")
    String dataset;

    @Option(names = "--epochs", description = "Epochs (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    int epochs;

    @Option(names = "--batch-size", description = "Batch size (default: ${DEFAULT-VALUE}).", defaultValue = "64")
    int batchSize;

    @Option(
            names = "--lr",
            description = "Peak learning rate of AdamW (default: ${DEFAULT-VALUE}, the short CPU recipe).",
            defaultValue = "0.002")
    float learningRate;

    @Option(names = "--mixup", description = "Mixup alpha (0 = off, default: ${DEFAULT-VALUE}).", defaultValue = "0")
    float mixup;

    @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).", defaultValue = "42")
    long seed;

    @Option(
            names = "--backbone",
            description = "autost or spikformer (default: ${DEFAULT-VALUE}).",
            defaultValue = "autost")
    String backbone;

    @Option(
            names = "--time-steps",
            description = "T when the genome does not set it (default: ${DEFAULT-VALUE}).",
            defaultValue = "4")
    int timeSteps;

    @Option(names = "--device", description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).", defaultValue = "cpu")
    String device;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Dataset folder (default: the standard locations).")
    Path dataDir;

    @Option(names = "--limit-train", description = "Train on the first N images only (0 = all).", defaultValue = "0")
    int limitTrain;

    @Option(
            names = "--limit-test",
            description = "Evaluate on the first N test images only (0 = all).",
            defaultValue = "0")
    int limitTest;

    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Option(names = "--progress", negatable = true, description = "Show a progress bar (default: on a terminal).")
    Boolean progress;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DjlSettings.applyDefaults();
        Genome genome = ExplainCommand.readGenome(arch);
        Backbone bb = Backbone.parse(backbone);
        Datasets.Loaded data = new Datasets(Optional.ofNullable(dataDir), limitTrain, limitTest).get(dataset);
        ImageDataset train = data.train();
        ImageDataset test = data.test();
        ModelSetting setting = data.setting(bb, genome.timeStepsOr(timeSteps));
        TrainConfig recipe = TrainerConfig.SHORT_RECIPE
                .withEpochs(epochs)
                .withBatchSize(batchSize)
                .withLearningRate(learningRate)
                .withSeed(seed)
                .withAugment(data.augment())
                .withMixup(mixup, mixup > 0 ? Math.max(1, epochs * 2 / 3) : Integer.MAX_VALUE);
        Files.createDirectories(out);
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        err.printf(
                "autost train: %s on %s (%d train / %d test images), %s, T=%d, %d epoch(s), batch %d, device %s%n",
                genome.canonicalJson(),
                dataset,
                train.count(),
                test.count(),
                bb.id(),
                setting.timeSteps(),
                epochs,
                batchSize,
                device);
        err.flush();
        boolean bars = progress != null ? progress : System.console() != null;
        long steps = (long) Math.max(1, train.count() / batchSize) * epochs;
        TrainResult r;
        try (SpikingTrainer trainer = new SpikingTrainer(genome, setting, recipe, SpikingTrainer.device(device));
                ProgressBar bar = bars
                        ? new ProgressBarBuilder()
                                .setTaskName("train")
                                .setInitialMax(steps)
                                .setStyle(ProgressBarStyle.ASCII)
                                .setUnit(" steps", 1)
                                .showSpeed()
                                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                                .build()
                        : null) {
            long perEpoch = Math.max(1, train.count() / batchSize);
            r = trainer.fit(train, test, Optional.of(out.resolve("checkpoint")), new EpochListener() {
                @Override
                public void onStep(int epoch, long step, long stepsPerEpoch, double loss) {
                    if (bar != null) {
                        bar.stepTo(epoch * perEpoch + step);
                        bar.setExtraMessage(String.format("  epoch %d  loss %.4f", epoch + 1, loss));
                    }
                }

                @Override
                public boolean onEpoch(EpochReport e) {
                    if (bar == null) {
                        err.printf(
                                "epoch %d/%d: loss %.4f, train accuracy %.4f, test accuracy %.4f, %.1f images/s%n",
                                e.epoch() + 1,
                                epochs,
                                e.trainLoss(),
                                e.trainAccuracy(),
                                e.testAccuracy(),
                                e.imagesPerSecond());
                        err.flush();
                    }
                    return true;
                }
            });
            trainer.saveModel(out.resolve("model.params"));
        }
        CostModel costs = new CostModel(setting);
        CostEstimate assumed = costs.estimate(genome);
        CostEstimate measured = costs.withRates(FiringRates.perLayer(r.firingRates(), FiringRates.DEFAULT_RATE))
                .estimate(genome);
        ObjectNode json = Json.row(genome, assumed);
        json.put("dataset", dataset);
        json.put("backbone", bb.id());
        json.put("test_accuracy", r.testAccuracy());
        json.put("train_loss", r.trainLoss());
        json.put("images_per_second", r.imagesPerSecond());
        json.put("params", r.params());
        json.put("energy_pj_measured_rates", Json.round(measured.energyPj()));
        ObjectNode rates = json.putObject("firing_rates");
        new TreeMap<>(r.firingRates()).forEach(rates::put);
        ObjectNode initial = json.putObject("initial_firing_rates");
        new TreeMap<>(r.initialFiringRates()).forEach(initial::put);
        ArrayNode ep = json.putArray("epochs");
        for (EpochReport e : r.epochs()) {
            ep.addObject()
                    .put("epoch", e.epoch() + 1)
                    .put("train_loss", e.trainLoss())
                    .put("train_accuracy", e.trainAccuracy())
                    .put("test_accuracy", e.testAccuracy())
                    .put("images_per_second", e.imagesPerSecond())
                    .put("seconds", e.seconds());
        }
        json.put("model", out.resolve("model.params").toString());
        Json.MAPPER
                .writerWithDefaultPrettyPrinter()
                .writeValue(out.resolve("result.json").toFile(), json);
        o.printf(
                "test_accuracy %.4f, train_loss %.4f, %.1f images/s, %,d params; wrote %s%n",
                r.testAccuracy(), r.trainLoss(), r.imagesPerSecond(), r.params(), out.resolve("result.json"));
        o.flush();
        return 0;
    }
}
