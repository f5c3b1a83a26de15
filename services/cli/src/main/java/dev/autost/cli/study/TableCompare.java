package dev.autost.cli.study;

import dev.autost.domain.benchmark.TableReplay;
import dev.autost.domain.benchmark.TableRow;
import dev.autost.domain.fidelity.RungSchedule;
import dev.autost.domain.search.Calibration;
import dev.autost.domain.search.TrainingSelection;
import dev.autost.domain.space.SearchSpace;
import dev.autost.proto.v1.ExperimentSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The comparison on a tabulated benchmark ({@code autost study --compare --table}): every arm, for
 * every seed and budget, one experiment whose trainings the table answers. A budget is a number of
 * trainings of the table's epochs; each training runs the table's whole schedule (one rung), so
 * every arm spends the same epochs and differs only in which candidates it trains. The halving
 * arms ({@code halving}, {@code tse}) instead have a rung at every epoch of the schedule (eta 3)
 * and as many entrants as their worst case fits in the budget. The calibrated
 * arm's calibration comes out of its budget: its sample is at most half the budget and it breeds
 * only as many generations as leave the other half for its picks. Regret is the table's best
 * final accuracy minus the experiment's best.
 */
final class TableCompare {
    /**
     * One arm, seed and budget, as {@code table-compare.csv} gives it.
     *
     * @param budgetEpochs epochs the budget allows: trainings x the table's epochs
     * @param epochsSpent  epochs the experiment's results add up to
     */
    record Row(
            String arm, long seed, int budgetEpochs, int epochsSpent, int trained, double bestAccuracy, double regret) {
        static final String CSV_HEADER = "arm,seed,budget_epochs,epochs_spent,trained,best_accuracy,regret";

        String csv() {
            return String.format(
                    Locale.ROOT,
                    "%s,%d,%d,%d,%d,%s,%s",
                    arm,
                    seed,
                    budgetEpochs,
                    epochsSpent,
                    trained,
                    CompareStudy.number(bestAccuracy),
                    CompareStudy.number(regret));
        }
    }

    /** What every experiment shares: the search settings and the calibration sample asked for. */
    record Settings(
            SearchSpace space,
            int population,
            int generations,
            int calibrationSize,
            TrainingSelection selection,
            String dataset) {}

    /** One experiment to run. */
    record Run(CompareStudy.Arm arm, long seed, int budgetTrainings, ExperimentSpec spec) {}

    private final TableReplay table;
    private final double tableBest;

    TableCompare(TableReplay table) {
        this.table = Objects.requireNonNull(table, "table");
        this.tableBest = table.rows().values().stream()
                .mapToDouble(TableRow::finalAccuracy)
                .max()
                .orElseThrow();
    }

    /** The best final accuracy in the table: what a search that found the best scores regret 0 against. */
    double tableBest() {
        return tableBest;
    }

    /**
     * The experiments of every arm, seed ({@code firstSeed} and the next ones) and budget, in that
     * order within each seed: their specs, checked.
     *
     * @throws IllegalArgumentException when an arm cannot run on a budget (e.g. the calibrated arm
     *     on fewer than two calibration samples' worth)
     */
    List<Run> runs(
            Settings s, List<CompareStudy.Arm> arms, List<Integer> budgets, long firstSeed, int seeds, String studyId) {
        int epochs = table.facts().epochs();
        RungSchedule oneRung = new RungSchedule(List.of(epochs), RungSchedule.DEFAULT_ETA);
        // The halving arms: a rung at every epoch of the table's schedule.
        RungSchedule everyEpoch = new RungSchedule(
                java.util.stream.IntStream.rangeClosed(1, epochs).boxed().toList(), RungSchedule.DEFAULT_ETA);
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < seeds; i++) {
            for (int budget : budgets) {
                for (CompareStudy.Arm arm : arms) {
                    CompareStudy.Settings cs = armSettings(s, arm, budget, arm.halves() ? everyEpoch : oneRung);
                    String id = String.format(Locale.ROOT, "%s-b%d", studyId, budget);
                    ExperimentSpec spec = CompareStudy.spec(cs, id, arm, firstSeed + i);
                    dev.autost.messaging.codec.ExperimentPlan.fromSpec(spec); // refused here, before anything runs
                    runs.add(new Run(arm, firstSeed + i, budget, spec));
                }
            }
        }
        return runs;
    }

    private CompareStudy.Settings armSettings(Settings s, CompareStudy.Arm arm, int budget, RungSchedule rungs) {
        int generations = s.generations();
        int calibration = s.calibrationSize();
        if (arm == CompareStudy.Arm.CALIBRATED) {
            calibration = Math.min(s.calibrationSize(), Math.max(Calibration.MIN_RESULTS, budget / 2));
            // Each generation after the first trains its best too: keep those within half the budget.
            generations = Math.max(1, Math.min(s.generations(), budget / 2 - calibration + 1));
        }
        return new CompareStudy.Settings(
                s.space(),
                rungs,
                budget * rungs.topEpochs(),
                s.population(),
                generations,
                calibration,
                s.dataset(),
                s.selection());
    }

    /** Runs experiment {@code index}; {@code before} holds the outcomes of the experiments it may read (a lab's). */
    interface Runner {
        InProcessReplay.Outcome run(int index, InProcessReplay.Outcome[] before);
    }

    /**
     * Runs every experiment and gives its row, on {@code threads} threads: first those without a
     * lab warm start, then those with one ({@code model-lab}), whose runner may read the outcome of
     * the same seed and budget's random search ({@link #labSource}). {@code progress} hears of each
     * finished one.
     */
    List<Row> rows(List<Run> runs, Runner runner, int threads, Consumer<Row> progress) {
        InProcessReplay.Outcome[] outcomes = new InProcessReplay.Outcome[runs.size()];
        List<Integer> first = new ArrayList<>();
        List<Integer> lab = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            (runs.get(i).arm() == CompareStudy.Arm.MODEL_LAB ? lab : first).add(i);
        }
        runAll(first, runs, runner, outcomes, threads, progress);
        runAll(lab, runs, runner, outcomes, threads, progress);
        List<Row> rows = new ArrayList<>(runs.size());
        for (int i = 0; i < runs.size(); i++) {
            rows.add(row(runs.get(i), outcomes[i]));
        }
        return rows;
    }

    /**
     * The run whose results a {@code model-lab} run's lab holds: the random search of its seed and
     * budget (one earlier search of the same recipe, so the arm measures what one such search's
     * results are worth to the surrogate).
     *
     * @throws IllegalArgumentException when the arms leave random out
     */
    static int labSource(List<Run> runs, int labRun) {
        Run lab = runs.get(labRun);
        for (int j = 0; j < runs.size(); j++) {
            Run r = runs.get(j);
            if (r.arm() == CompareStudy.Arm.RANDOM
                    && r.seed() == lab.seed()
                    && r.budgetTrainings() == lab.budgetTrainings()) {
                return j;
            }
        }
        throw new IllegalArgumentException("arm model-lab starts from the random arm's results: add random to --arms");
    }

    private void runAll(
            List<Integer> indices,
            List<Run> runs,
            Runner runner,
            InProcessReplay.Outcome[] outcomes,
            int threads,
            Consumer<Row> progress) {
        AtomicInteger next = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        RuntimeException[] failure = new RuntimeException[1];
        for (int t = 0; t < Math.max(1, threads); t++) {
            Thread w = new Thread(
                    () -> {
                        for (int k = next.getAndIncrement();
                                k < indices.size() && failure[0] == null;
                                k = next.getAndIncrement()) {
                            RuntimeException e = runOne(runs, indices.get(k), runner, outcomes, progress);
                            if (e != null) {
                                synchronized (failure) {
                                    failure[0] = failure[0] == null ? e : failure[0];
                                }
                            }
                        }
                    },
                    "table-compare-" + t);
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    private RuntimeException runOne(
            List<Run> runs, int i, Runner runner, InProcessReplay.Outcome[] outcomes, Consumer<Row> progress) {
        Run run = runs.get(i);
        try {
            outcomes[i] = runner.run(i, outcomes);
            progress.accept(row(run, outcomes[i]));
            return null;
        } catch (RuntimeException e) {
            return new IllegalStateException(
                    run.arm().id() + " seed " + run.seed() + " budget " + run.budgetTrainings() + ": " + e.getMessage(),
                    e);
        }
    }

    Row row(Run run, InProcessReplay.Outcome o) {
        double best = CompareStudy.bestAccuracy(o.trained().values());
        return new Row(
                run.arm().id(),
                run.seed(),
                run.budgetTrainings() * table.facts().epochs(),
                CompareStudy.epochsSpent(o.trained().values()),
                o.trained().size(),
                best,
                Double.isNaN(best) ? Double.NaN : tableBest - best);
    }
}
