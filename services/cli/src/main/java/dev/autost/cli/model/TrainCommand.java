package dev.autost.cli.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autost.cli.json.Json;
import dev.autost.cli.options.CommonOptions.BackboneOptions;
import dev.autost.cli.options.CommonOptions.BatchSizeOption;
import dev.autost.cli.options.CommonOptions.DatasetOptions;
import dev.autost.cli.options.CommonOptions.DeviceOptions;
import dev.autost.cli.options.CommonOptions.LimitOptions;
import dev.autost.cli.options.CommonOptions.ProgressOption;
import dev.autost.cli.options.Defaults;
import dev.autost.domain.cost.CostEstimate;
import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.model.Backbone;
import dev.autost.domain.model.ModelSetting;
import dev.autost.models.data.Datasets;
import dev.autost.models.data.ImageDataset;
import dev.autost.models.train.DjlSettings;
import dev.autost.models.train.EpochListener;
import dev.autost.models.train.EpochReport;
import dev.autost.models.train.FitResult;
import dev.autost.models.train.ProgressMeter;
import dev.autost.models.train.Recipe;
import dev.autost.models.train.TrainingRun;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
public final class TrainCommand implements Callable<Integer> {
    /** How often a progress line is printed when there is no bar. */
    static final java.time.Duration PROGRESS_LINE_INTERVAL = java.time.Duration.ofSeconds(10);

    @Option(names = "--arch", required = true, description = "Genome JSON, or a .json / RETRAIN .yaml file.")
    String arch;

    @Mixin
    DatasetOptions training;

    @Mixin
    BatchSizeOption batch;

    @Option(
            names = "--lr",
            description = "Peak learning rate of AdamW (default: ${DEFAULT-VALUE}, the short CPU recipe).",
            defaultValue = "0.002")
    float learningRate;

    @Option(names = "--mixup", description = "Mixup alpha (0 = off, default: ${DEFAULT-VALUE}).", defaultValue = "0")
    float mixup;

    // Not a mixin: each command says what its seed drives.
    @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).", defaultValue = "" + Defaults.SEED)
    long seed;

    @Mixin
    BackboneOptions network;

    @Mixin
    DeviceOptions host;

    @Mixin
    LimitOptions limits;

    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Mixin
    ProgressOption progress;

    @Spec
    CommandSpec spec;

    /**
     * The recipe these options train with: the short CPU recipe with them applied, mixup (if
     * any) off for the last third. {@code autost bench table} trains its rows with it, so that
     * its recipe.json's {@code train_options} reproduce a row.
     */
    public static Recipe recipe(int epochs, int batchSize, float learningRate, float mixup, long seed) {
        return Recipe.SHORT.toBuilder()
                .optEpochs(epochs)
                .optBatchSize(batchSize)
                .optLearningRate(learningRate)
                .optSeed(seed)
                .optMixup(mixup, mixup > 0 ? Math.max(1, epochs * 2 / 3) : Integer.MAX_VALUE)
                .build();
    }

    @Override
    public Integer call() throws Exception {
        String dataset = training.dataset();
        int epochs = training.epochs();
        String device = host.device();
        int batchSize = batch.batchSize();
        DjlSettings.applyDefaults();
        Genome genome = ExplainCommand.readGenome(arch);
        Datasets.Loaded data = new Datasets(host.dataDir(), limits.limitTrain(), limits.limitTest()).get(dataset);
        ImageDataset train = data.train();
        TrainingRun run = TrainingRun.builder()
                .setGenome(genome)
                .setData(data)
                .setRecipe(recipe(epochs, batchSize, learningRate, mixup, seed))
                .optBackbone(network.backbone())
                .optTimeSteps(network.timeSteps())
                .optDevice(device)
                .optCheckpointDir(out.resolve("checkpoint"))
                .optModelFile(out.resolve("model.params"))
                .build();
        ModelSetting setting = run.setting();
        Backbone bb = setting.backbone();
        Files.createDirectories(out);
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        err.printf(
                "autost train: %s on %s (%d train / %d test images), %s, T=%d, %d epoch(s), batch %d, device %s%n",
                genome.canonicalJson(),
                dataset,
                train.count(),
                data.test().count(),
                bb.id(),
                setting.timeSteps(),
                epochs,
                batchSize,
                device);
        err.flush();
        long perEpoch = Math.max(1, train.count() / batchSize);
        FitResult r;
        // Without a terminal (logs, CI) a line every few seconds instead of a bar.
        ProgressMeter meter = new ProgressMeter(epochs, batchSize, PROGRESS_LINE_INTERVAL);
        try (ProgressBar bar = progress.barOrNull("train", perEpoch * epochs, " steps")) {
            r = run.run(new EpochListener() {
                        @Override
                        public void onStep(int epoch, long step, long stepsPerEpoch, double loss) {
                            if (bar != null) {
                                bar.stepTo(epoch * perEpoch + step);
                                bar.setExtraMessage(String.format("  epoch %d  loss %.4f", epoch + 1, loss));
                            } else {
                                meter.onStep(epoch, step, stepsPerEpoch, loss).ifPresent(s -> {
                                    err.println(s.line());
                                    err.flush();
                                });
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
                    })
                    .fit();
        }
        CostEstimate assumed = new CostModel(setting).estimate(genome);
        ObjectNode json = Json.row(genome, assumed);
        json.put("dataset", dataset);
        json.put("backbone", bb.id());
        json.put("test_accuracy", r.testAccuracy());
        json.put("train_loss", r.trainLoss());
        json.put("images_per_second", r.imagesPerSecond());
        json.put("params", r.params());
        json.put("energy_pj_measured_rates", Json.round(run.energyPj(r.firingRates())));
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
