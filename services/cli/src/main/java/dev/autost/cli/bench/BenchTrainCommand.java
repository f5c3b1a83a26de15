package dev.autost.cli.bench;

import dev.autost.cli.model.ExplainCommand;
import dev.autost.cli.options.CommonOptions.BatchSizeOption;
import dev.autost.cli.options.CommonOptions.DeviceOptions;
import dev.autost.domain.genome.Genome;
import dev.autost.models.data.Datasets;
import dev.autost.models.train.DjlSettings;
import dev.autost.models.train.EpochListener;
import dev.autost.models.train.EpochReport;
import dev.autost.models.train.FitResult;
import dev.autost.models.train.Recipe;
import dev.autost.models.train.TrainingRun;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code autost bench train}: training and evaluation images/s of one genome, and the process's
 * memory, through the same path as every training ({@link TrainingRun}).
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Trains a genome (default {\"depth\":1,\"mlp_ratios\":[4],\"num_heads\":[4],\"embed_dim\":64}, autost,",
            "T=4, Fashion-MNIST 28x28x1) for a number of steps, evaluates it, and prints training and",
            "evaluation images/s and the process's peak resident memory. With --concurrency K, K copies",
            "train at once on K threads (as the trainer service's --concurrency) and the images/s are their sum."
        })
final class BenchTrainCommand implements Callable<Integer> {
    static final Genome GENOME = Genome.uniform(1, 4, 4, 64);

    @Mixin
    BatchSizeOption batch;

    @Option(
            names = "--steps",
            description = "Measured optimiser steps (default: ${DEFAULT-VALUE}).",
            defaultValue = "100")
    int steps;

    @Option(
            names = "--genome",
            paramLabel = "JSON|FILE",
            description = "The genome to train (default: the fixed one above).")
    String genome;

    @Option(
            names = "--eval-images",
            paramLabel = "N",
            description =
                    "Test images evaluated after training, at the recipe's evaluation batch (default: ${DEFAULT-VALUE}).",
            defaultValue = "1000")
    int evalImages;

    @Option(
            names = "--concurrency",
            paramLabel = "K",
            description = "Copies trained at once on K threads (default: ${DEFAULT-VALUE}).",
            defaultValue = "1")
    int concurrency;

    @Mixin
    DeviceOptions host;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (steps < 10 || evalImages < 1 || concurrency < 1) {
            throw new IllegalArgumentException("--steps must be >= 10, --eval-images and --concurrency >= 1");
        }
        Genome g = genome == null ? GENOME : ExplainCommand.readGenome(genome);
        String device = host.device();
        int batchSize = batch.batchSize();
        DjlSettings.applyDefaults();
        Datasets.Loaded data = new Datasets(host.dataDir(), 0, evalImages).get("fashion-mnist");
        var out = spec.commandLine().getOut();
        out.printf(
                "bench train: %s, autost, T=4, Fashion-MNIST, batch %d, %d steps, eval %d images, device %s, %s threads,"
                        + " concurrency %d%n",
                g.canonicalJson(),
                batchSize,
                steps,
                evalImages,
                device,
                System.getProperty("ai.djl.pytorch.num_threads"),
                concurrency);
        out.flush();
        // Each job warms up on its own thread (JIT and libtorch's first calls are not what a long
        // run sees; glibc gives each thread its own arena), then all start measuring together.
        CyclicBarrier ready = new CyclicBarrier(concurrency + 1);
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            jobs.add(new Job(
                    new Job(null, g, data, batchSize * 10, 1, batchSize, device, null),
                    g,
                    data,
                    batchSize * steps,
                    evalImages,
                    batchSize,
                    device,
                    ready));
        }
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start;
        try {
            List<Future<FitResult>> running = new ArrayList<>();
            for (Job j : jobs) {
                running.add(pool.submit(j));
            }
            ready.await();
            start = System.nanoTime();
            for (Future<FitResult> f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long trainImages = (long) batchSize * steps * concurrency;
        double trainSeconds = jobs.stream().mapToLong(j -> j.trainEnd).max().orElseThrow() - start;
        double evalSeconds = jobs.stream().mapToLong(j -> j.evalEnd).max().orElseThrow()
                - jobs.stream().mapToLong(j -> j.trainEnd).min().orElseThrow();
        long params = jobs.get(0).params;
        out.printf(
                "train:    %.1f images/s (%d images, %,d params%s)%n",
                trainImages / (trainSeconds / 1e9),
                trainImages,
                params,
                concurrency > 1 ? ", " + concurrency + " jobs at once" : "");
        out.printf(
                "eval:     %.1f images/s (%d images, batch %d)%n",
                (double) evalImages * concurrency / (evalSeconds / 1e9),
                evalImages * concurrency,
                Recipe.SHORT.evalBatchSize());
        Job first = jobs.get(0);
        out.printf(
                "memory:   peak RSS %.2f GB (%.2f GB after training; RSS at 10 %% of the steps %.2f GB, at 90 %% %.2f GB)%n",
                ProcessMemory.peakRssGb(), first.peakAfterTraining, first.rssAt10, first.rssAt90);
        out.flush();
        return 0;
    }

    /** One training of the first {@code images} training images, then the evaluation; notes times and memory. */
    private static final class Job implements Callable<FitResult> {
        private final TrainingRun run;
        private final Job warmUp;
        private final CyclicBarrier ready;
        volatile long trainEnd;
        volatile long evalEnd;
        volatile double peakAfterTraining = Double.NaN;
        volatile double rssAt10 = Double.NaN;
        volatile double rssAt90 = Double.NaN;
        volatile long params;

        /** A measured job: runs {@code warmUp} first, then waits at {@code ready} (null: neither). */
        Job(
                Job warmUp,
                Genome genome,
                Datasets.Loaded data,
                int images,
                int evalImages,
                int batchSize,
                String device,
                CyclicBarrier ready) {
            this.warmUp = warmUp;
            this.ready = ready;
            Datasets.Loaded cut = new Datasets.Loaded(
                    data.train().limit(images),
                    data.test().limit(evalImages),
                    data.imageSize(),
                    data.channels(),
                    data.classes(),
                    data.augment());
            this.run = TrainingRun.builder()
                    .setGenome(genome)
                    .setData(cut)
                    .setRecipe(Recipe.SHORT.toBuilder()
                            .optBatchSize(batchSize)
                            .optFiringRateImages(0)
                            .build())
                    .optDevice(device)
                    .build();
        }

        @Override
        public FitResult call() throws Exception {
            if (warmUp != null) {
                warmUp.call();
            }
            if (ready != null) {
                ready.await();
            }
            FitResult r = run.run(new EpochListener() {
                        @Override
                        public void onStep(int epoch, long step, long steps, double loss) {
                            if (step == Math.max(1, steps / 10)) {
                                rssAt10 = ProcessMemory.rssGb();
                            } else if (step == steps * 9 / 10) {
                                rssAt90 = ProcessMemory.rssGb();
                            }
                            if (step == steps) {
                                trainEnd = System.nanoTime();
                                peakAfterTraining = ProcessMemory.peakRssGb();
                            }
                        }

                        @Override
                        public boolean onEpoch(EpochReport report) {
                            evalEnd = System.nanoTime();
                            return true;
                        }
                    })
                    .fit();
            params = r.params();
            return r;
        }
    }
}
