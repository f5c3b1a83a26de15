package dev.autost.cli.study;

import dev.autost.cli.pipeline.ExperimentClient;
import dev.autost.cli.pipeline.LocalServices;
import dev.autost.domain.benchmark.TableReplay;
import dev.autost.domain.space.SearchSpace;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.sampler.SamplerHandler;
import dev.autost.trainer.TrainerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * {@code autost study --compare --table FILE}: the comparison of {@link TableCompare} with the
 * command's options, in this process (default) or through the real services ({@code --pipeline}).
 */
final class TableStudy {
    /** The evolution's size on a table unless --population / --generations say otherwise: 100 of a few hundred members. */
    static final int TABLE_POPULATION = 20;

    static final int TABLE_GENERATIONS = 5;

    private final StudyCommand command;
    private final TableReplay table;

    TableStudy(StudyCommand command, TableReplay table) {
        this.command = command;
        this.table = table;
    }

    int run() throws IOException {
        var parsed = command.spec.commandLine().getParseResult();
        for (String o : List.of("--archs", "--compare-k", "--epochs", "--rungs", "--eta", "--train-budget")) {
            if (parsed.hasMatchedOption(o)) {
                throw new IllegalArgumentException(o + " does not apply to --compare --table: every training runs"
                        + " the table's " + table.facts().epochs() + " epochs and --budgets counts trainings");
            }
        }
        SearchSpace s = parsed.hasMatchedOption("--space")
                ? command.space.resolve()
                : SearchSpaces.builtIn(table.facts().space());
        if (!s.name().equals(table.facts().space())) {
            throw new IllegalArgumentException("--space " + s.name() + ": the table " + table.name()
                    + " covers the space " + table.facts().space());
        }
        List<CompareStudy.Arm> arms =
                CompareStudy.arms(command.armList == null ? CompareStudy.Arm.NAMES : command.armList);
        List<Integer> budgets = budgets(command.budgetList);
        int seeds = command.seeds();
        TableCompare.Settings settings = new TableCompare.Settings(
                s,
                parsed.hasMatchedOption("--population") ? command.evolution.population() : TABLE_POPULATION,
                parsed.hasMatchedOption("--generations") ? command.evolution.generations() : TABLE_GENERATIONS,
                command.calibrationSize,
                command.trainSelection.selection(),
                table.facts().dataset());
        String id = command.studyId != null ? command.studyId : "table-" + s.name() + "-" + command.seed;
        TableCompare compare = new TableCompare(table);
        List<TableCompare.Run> runs = compare.runs(settings, arms, budgets, command.seed, seeds, id);
        if (arms.contains(CompareStudy.Arm.MODEL_LAB)) {
            TableCompare.labSource(runs, runs.size() - 1); // refused here when random is left out
        }
        PrintWriter err = command.spec.commandLine().getErr();
        int threads = command.pipeline ? 1 : Runtime.getRuntime().availableProcessors();
        err.printf(
                "autost study --compare --table %s: %d arm(s) x %d seed(s) x %d budget(s) = %d experiments, %s,"
                        + " %d thread(s)%n",
                table.name(),
                arms.size(),
                seeds,
                budgets.size(),
                runs.size(),
                command.pipeline ? "through the real services" : "in this process",
                threads);
        err.flush();
        long t0 = System.nanoTime();
        AtomicInteger done = new AtomicInteger();
        int step = Math.max(1, runs.size() / 20);
        List<TableCompare.Row> rows;
        if (command.pipeline) {
            if (arms.contains(CompareStudy.Arm.MODEL_LAB)) {
                throw new IllegalArgumentException(
                        "--pipeline runs every experiment on one sampler, whose lab holds every"
                                + " earlier result, not one seed's random search: leave model-lab out of --arms");
            }
            command.checkCluster();
            TrainerConfig trainers =
                    command.cluster.localServices() ? command.trainer.template().withConcurrency(1) : null;
            // One partition per topic: the trainer then takes the train requests in the order the
            // sampler sent them, as the in-process replay answers them. With several, the order
            // across partitions varies from run to run, and an asynchronous halving schedule,
            // which promotes on the results in hand, promotes differently (seen: the tse arm).
            try (LocalServices services = command.startServices(trainers, true, 1);
                    ExperimentClient client = new ExperimentClient(services.bootstrapServers())) {
                Function<TableCompare.Run, InProcessReplay.Outcome> follow = followed(client);
                rows = compare.rows(
                        runs,
                        (i, before) -> follow.apply(runs.get(i)),
                        1,
                        r -> progress(err, done, step, runs.size(), t0));
            }
        } else {
            quietSampler();
            InProcessReplay replay = new InProcessReplay(table);
            rows = compare.rows(
                    runs,
                    (i, before) -> {
                        if (runs.get(i).arm() != CompareStudy.Arm.MODEL_LAB) {
                            return replay.run(runs.get(i).spec());
                        }
                        // A sampler whose lab read the same seed and budget's random search first.
                        SamplerHandler sampler = InProcessReplay.newSampler();
                        InProcessReplay.feed(sampler, before[TableCompare.labSource(runs, i)].results());
                        return replay.run(runs.get(i).spec(), sampler);
                    },
                    threads,
                    r -> progress(err, done, step, runs.size(), t0));
        }
        TableCompareReport report = new TableCompareReport(rows, compare.tableBest());
        PrintWriter o = command.spec.commandLine().getOut();
        o.print(report.markdown());
        o.printf("(%d experiments in %.1f min)%n", runs.size(), (System.nanoTime() - t0) / 6e10);
        o.println("wrote " + report.write(command.output.dir()));
        o.flush();
        return 0;
    }

    /** An experiment through the services: submitted, followed to FINISHED. */
    private Function<TableCompare.Run, InProcessReplay.Outcome> followed(ExperimentClient client) {
        return run -> {
            client.submit(run.spec());
            ExperimentClient.FollowedExperiment f =
                    client.follow(run.spec().getExperimentId(), command.timeout.timeout(), p -> {});
            return new InProcessReplay.Outcome(
                    f.trained(), f.search(), List.copyOf(f.trained().values()));
        };
    }

    private static void progress(PrintWriter err, AtomicInteger done, int step, int total, long t0) {
        int n = done.incrementAndGet();
        if (n % step == 0 || n == total) {
            synchronized (err) {
                err.printf("study: %d/%d experiments, %.1f min%n", n, total, (System.nanoTime() - t0) / 6e10);
                err.flush();
            }
        }
    }

    /** Hundreds of in-process experiments: the sampler's per-experiment log lines would drown the progress. */
    private static void quietSampler() {
        org.apache.logging.log4j.core.config.Configurator.setLevel(
                "dev.autost.sampler", org.apache.logging.log4j.Level.WARN);
    }

    /** {@code --budgets 6,12,24}: positive, distinct, ascending. */
    static List<Integer> budgets(String list) {
        List<Integer> budgets;
        try {
            budgets = Arrays.stream(list.split(","))
                    .map(String::strip)
                    .map(Integer::parseInt)
                    .distinct()
                    .sorted()
                    .toList();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--budgets must be trainings separated by commas (e.g. 6,12,24), got '" + list + "'");
        }
        if (budgets.isEmpty() || budgets.get(0) < 1) {
            throw new IllegalArgumentException("--budgets must be at least 1 training each, got '" + list + "'");
        }
        return budgets;
    }
}
