package dev.autost.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autost.cli.json.Json;
import dev.autost.cli.model.TrainCommand;
import dev.autost.cli.options.CommonOptions.DeviceOptions;
import dev.autost.domain.benchmark.BenchmarkTable;
import dev.autost.domain.benchmark.TableRow;
import dev.autost.domain.benchmark.TableSummary;
import dev.autost.domain.cost.CostEstimate;
import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.search.Feasibility;
import dev.autost.domain.space.SearchSpace;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.models.data.Datasets;
import dev.autost.models.proxy.InitProxies;
import dev.autost.models.train.DjlSettings;
import dev.autost.models.train.EpochListener;
import dev.autost.models.train.EpochReport;
import dev.autost.models.train.OneDnn;
import dev.autost.models.train.Recipe;
import dev.autost.models.train.TrainingRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code autost bench table}: trains every member of a small space once, with one recipe, and
 * appends a row per architecture to a table that searches can be replayed against
 * (docs/study.md#the-tabulated-benchmark). Stops anywhere and resumes where it stopped.
 */
@Command(
        name = "table",
        mixinStandardHelpOptions = true,
        description = {
            "Trains every member of a space once (in a fixed shuffled order, so that a partial table is a random",
            "sample) and appends one row per architecture to the table: training-free metrics, per-epoch test",
            "accuracy and train loss. Safe to stop at any point: run it again to go on (finished rows are kept,",
            "a training in progress resumes from its last epoch). Writes recipe.json beside the table first."
        })
public final class BenchTableCommand implements Callable<Integer> {
    /** The shuffle of the members; fixed so that every build (and every partial one) has the same order. */
    static final long ORDER_SEED = 1;

    @Option(
            names = "--space",
            description = "A space small enough to train every member (default: ${DEFAULT-VALUE}).",
            defaultValue = "fashion-table")
    String space;

    @Option(
            names = "--table",
            description = "The table file (default: ${DEFAULT-VALUE}); its recipe goes beside it.",
            defaultValue = "docs/study/table/table.csv")
    Path table;

    @Option(
            names = "--members",
            description = "Train only the first N members of the order (0 = all, default: ${DEFAULT-VALUE});"
                    + " for the fidelity checks on a subset.",
            defaultValue = "0")
    int members;

    @Option(
            names = "--workers",
            description = "Trainings at once, one core each (default: 0 = one per core).",
            defaultValue = "0")
    int workers;

    @Option(
            names = "--seed",
            description = "Training seed of every row (default: ${DEFAULT-VALUE}).",
            defaultValue = "1")
    long seed;

    @Option(
            names = "--epochs",
            description =
                    "Epochs per row: the rungs of a halving schedule up to the top one (default: ${DEFAULT-VALUE}).",
            defaultValue = "3")
    int epochs;

    @Option(
            names = "--limit-train",
            description = "Training images per epoch, the first N (default: ${DEFAULT-VALUE}).",
            defaultValue = "4000")
    int limitTrain;

    @Option(
            names = "--limit-test",
            description = "Test images per evaluation, the first N (default: ${DEFAULT-VALUE}).",
            defaultValue = "1000")
    int limitTest;

    @Option(names = "--batch-size", description = "Batch size (default: ${DEFAULT-VALUE}).", defaultValue = "64")
    int batchSize;

    @Option(names = "--lr", description = "Peak learning rate (default: ${DEFAULT-VALUE}).", defaultValue = "0.002")
    float learningRate;

    @Option(
            names = "--summary",
            description = "Train nothing: write summary.md beside the table (spread, random search's expected regret,"
                    + " rank correlations, and the comparison with long.csv and seed-2.csv beside it when they exist).")
    boolean summaryOnly;

    @Mixin
    DeviceOptions host;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (epochs < 1 || limitTrain < batchSize || limitTest < 1 || members < 0) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--epochs must be at least 1, --limit-train at least --batch-size, --limit-test at least 1,"
                            + " --members at least 0");
        }
        int threads = workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
        SearchSpace s = SearchSpaces.resolve(space);
        if (summaryOnly) {
            spec.commandLine().getOut().print(writeSummary(order(s).size()));
            spec.commandLine().getOut().flush();
            return 0;
        }
        List<Genome> all = order(s);
        List<Genome> order = members > 0 ? all.subList(0, Math.min(members, all.size())) : all;
        writeRecipe(s, all.size());
        Set<String> done =
                BenchmarkTable.read(table).stream().map(TableRow::hash).collect(Collectors.toSet());
        List<Genome> todo = order.stream().filter(g -> !done.contains(g.hash())).toList();
        PrintWriter err = spec.commandLine().getErr();
        err.printf(
                Locale.ROOT,
                "autost bench table: %s, %d members, %d in %s already, %d to train with %d worker(s): %d epoch(s)"
                        + " of %d images, %d test images, seed %d%n",
                s.name(),
                order.size(),
                order.size() - todo.size(),
                table,
                todo.size(),
                threads,
                epochs,
                limitTrain,
                limitTest,
                seed);
        err.flush();
        if (todo.isEmpty()) {
            writeSummary(order.size());
            return 0;
        }
        DjlSettings.applyDefaults();
        Datasets.Loaded data = new Datasets(host.dataDir(), limitTrain, limitTest).get("fashion-mnist");
        AtomicInteger finished = new AtomicInteger(order.size() - todo.size());
        AtomicInteger failed = new AtomicInteger();
        long start = System.nanoTime();
        AtomicInteger trainedHere = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "table-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (Genome g : todo) {
                jobs.add(pool.submit(() -> {
                    try {
                        TableRow row = train(s, data, g);
                        BenchmarkTable.append(table, row);
                        deleteWork(g);
                        int n = finished.incrementAndGet();
                        int here = trainedHere.incrementAndGet();
                        double elapsed = (System.nanoTime() - start) / 1e9;
                        double left = elapsed / here * (todo.size() - here - failed.get());
                        synchronized (err) {
                            err.printf(
                                    Locale.ROOT,
                                    "[%d/%d] %s %s: test accuracy %s, %.0f s; about %s left%n",
                                    n,
                                    order.size(),
                                    g.hash(),
                                    g.canonicalJson(),
                                    row.epochTestAccuracies().stream()
                                            .map(a -> String.format(Locale.ROOT, "%.4f", a))
                                            .collect(Collectors.joining(" ")),
                                    row.seconds(),
                                    Duration.ofSeconds((long) left)
                                            .toString()
                                            .substring(2)
                                            .toLowerCase(Locale.ROOT));
                            err.flush();
                        }
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                        synchronized (err) {
                            err.printf("%s %s: not tabulated: %s%n", g.hash(), g.canonicalJson(), e.getMessage());
                            err.flush();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        writeSummary(all.size());
        spec.commandLine()
                .getOut()
                .printf(
                        "%d of %d members in %s; %d failed (run again to retry them)%n",
                        finished.get(), order.size(), table, failed.get());
        return failed.get() == 0 ? 0 : 1;
    }

    /**
     * Writes the summary beside the table ({@code summary.md}, or {@code NAME.summary.md} beside
     * {@code NAME.csv}), comparing with {@code long.csv} and {@code seed-2.csv} in its folder.
     */
    private String writeSummary(int spaceMembers) throws IOException {
        Path dir = table.toAbsolutePath().getParent();
        String md = "# Tabulated benchmark: " + table.getFileName() + " (recipe: "
                + BenchmarkTable.recipeFile(table).getFileName() + ")\n\n"
                + TableSummary.markdown(
                        BenchmarkTable.read(table),
                        spaceMembers,
                        BenchmarkTable.read(dir.resolve("long.csv")),
                        BenchmarkTable.read(dir.resolve("seed-2.csv")));
        Files.createDirectories(dir);
        Files.writeString(BenchmarkTable.beside(table, "summary.md"), md);
        return md;
    }

    /** The feasible members of {@code s} in the table's fixed shuffled order. */
    static List<Genome> order(SearchSpace s) {
        Feasibility f = Feasibility.of(s);
        List<Genome> all =
                new ArrayList<>(s.members(10_000).stream().filter(f::admits).toList());
        Collections.shuffle(all, new Random(ORDER_SEED));
        return all;
    }

    /**
     * One row; trained again with oneDNN off when a metric came out NaN (oneDNN's convolution
     * returns NaN now and then: docs/training.md#divergence, as the prober measures again). A
     * NaN row was written as "nan" and the table could then not be read back (2026-12-08).
     */
    private TableRow train(SearchSpace s, Datasets.Loaded data, Genome g) throws IOException {
        TableRow row = trainOnce(s, data, g);
        if (!hasNaN(row)) {
            return row;
        }
        PrintWriter err = spec.commandLine().getErr();
        synchronized (err) {
            err.printf(
                    "autost bench table: %s: a metric is NaN (%s); training it again with oneDNN off%n",
                    g.hash(), row.metrics());
            err.flush();
        }
        OneDnn.disable();
        deleteWork(g); // from initialisation again: the proxies are measured there
        row = trainOnce(s, data, g);
        if (hasNaN(row)) {
            throw new IllegalStateException(g.hash() + ": a metric is NaN on two trainings: " + row.metrics());
        }
        return row;
    }

    private static boolean hasNaN(TableRow row) {
        return row.metrics().values().stream().anyMatch(v -> v.isNaN());
    }

    private TableRow trainOnce(SearchSpace s, Datasets.Loaded data, Genome g) {
        long t0 = System.nanoTime();
        TrainingRun run = TrainingRun.builder()
                .setGenome(g)
                .setData(data)
                .setRecipe(recipe())
                .optBackbone(s.modelSetting().backbone())
                .optTimeSteps(s.modelSetting().timeSteps())
                .optDevice(host.device())
                .optCheckpointDir(work(g))
                .optProxyImages(TrainingRun.DEFAULT_PROXY_IMAGES)
                .build();
        TrainingRun.Outcome o = run.run(EpochListener.NONE);
        InitProxies p = o.proxies().orElseThrow();
        CostEstimate c = new CostModel(run.setting()).estimate(g);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("params", (double) c.params());
        metrics.put("flops_syops", c.flopsSyops());
        metrics.put("flops_full", (double) c.flopsFull());
        metrics.put("energy_pj", c.energyPj());
        metrics.put("sahd", p.sahd());
        metrics.put("naswot", p.naswot());
        metrics.put("energy_init_pj", run.energyPj(p.firingRates()));
        List<EpochReport> e = o.fit().epochs();
        return new TableRow(
                g,
                metrics,
                seed,
                e.stream().map(EpochReport::testAccuracy).toList(),
                e.stream().map(EpochReport::trainLoss).toList(),
                e.stream().map(EpochReport::trainAccuracy).toList(),
                o.fit().imagesPerSecond(),
                (System.nanoTime() - t0) / 1e9);
    }

    private Recipe recipe() {
        return TrainCommand.recipe(epochs, batchSize, learningRate, 0f, seed);
    }

    /** The {@code autost train} options that reproduce a row from its genome and seed. */
    String trainOptions(SearchSpace s) {
        return String.format(
                Locale.ROOT,
                "--dataset fashion-mnist --epochs %d --limit-train %d --limit-test %d --batch-size %d --lr %s"
                        + " --mixup 0 --backbone %s --time-steps %d",
                epochs,
                limitTrain,
                limitTest,
                batchSize,
                Float.toString(learningRate),
                s.modelSetting().backbone().id(),
                s.modelSetting().timeSteps());
    }

    /** Writes the recipe beside the table, or refuses a table built with another one. */
    private void writeRecipe(SearchSpace s, int spaceMembers) throws IOException {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("space", s.name());
        r.put("members", spaceMembers);
        r.put("order_seed", ORDER_SEED);
        r.put("dataset", "fashion-mnist");
        r.put("limit_train", limitTrain);
        r.put("limit_test", limitTest);
        r.put("epochs", epochs);
        var rungs = r.putArray("rungs");
        for (int e = 1; e <= epochs; e++) {
            rungs.add(e);
        }
        r.put("seed", seed);
        r.put("backbone", s.modelSetting().backbone().id());
        r.put("time_steps", s.modelSetting().timeSteps());
        r.put("recipe", recipe().toString());
        r.put("proxy_images", TrainingRun.DEFAULT_PROXY_IMAGES);
        r.put("train_options", trainOptions(s));
        String text = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r) + "\n";
        Path file = BenchmarkTable.recipeFile(table);
        if (Files.exists(file)) {
            String earlier = Files.readString(file);
            if (!earlier.equals(text)) {
                throw new ParameterException(
                        spec.commandLine(),
                        table + " was built with other settings (" + file + "); run with the same options, or"
                                + " give another --table. Now:\n" + text);
            }
            return;
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text);
    }

    /** A row's checkpoints while it trains, removed once its row is written (git-ignored). */
    private Path work(Genome g) {
        return table.toAbsolutePath()
                .getParent()
                .resolve(".work")
                .resolve(BenchmarkTable.name(table))
                .resolve(g.hash());
    }

    private void deleteWork(Genome g) {
        Path dir = work(g);
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // Left behind: a later run resumes nothing from it (its row exists) and it is git-ignored.
        }
    }
}
