package dev.autost.cli.study;

import dev.autost.cli.pipeline.ExperimentClient;
import dev.autost.domain.fidelity.RungMetric;
import dev.autost.domain.fidelity.RungSchedule;
import dev.autost.domain.search.Objective;
import dev.autost.domain.search.TrainingSelection;
import dev.autost.domain.space.SearchSpace;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.messaging.codec.TrainMessages;
import dev.autost.proto.v1.ExperimentSpec;
import dev.autost.proto.v1.TrainResult;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Study 2 ({@code autost study --compare}): search strategies at an equal training budget. Every
 * arm of every seed is one experiment trained by successive halving with the same rungs, eta and
 * budget in epochs of the training set, so the arms differ only in which candidates they put
 * forward: a uniform sample, AutoST's evolution on FLOPs, evolution on SAHD, evolution on the
 * calibrated objective, whose calibration trainings come out of its budget (the sampler counts a
 * calibrated entrant's first rung once), SAHD's warm-up of a uniform pool, or model-based training
 * of that pool.
 */
final class CompareStudy {
    /** A search strategy under comparison. */
    enum Arm {
        /** Uniform random sample of the feasible space: as many candidates as the budget trains. */
        RANDOM("random"),
        /** AutoST's evolution on flops_syops (the paper's method). */
        FLOPS("flops"),
        /** Evolution on SAHD measured at initialisation. */
        SAHD("sahd"),
        /** Evolution on objective calibrated. */
        CALIBRATED("calibrated"),
        /** Zero-cost warm-up: a uniform pool as large as the evolution's, SAHD's best trained with a few random picks. */
        WARMUP("warmup"),
        /** Model-based: the same pool, trained one at a time by a surrogate of accuracy warm-started by SAHD. */
        MODEL("model"),
        /** A uniform sample as large as the budget's halving takes, trained by successive halving on test accuracy. */
        HALVING("halving"),
        /** The same, its rungs ranked by TSE, the sum of training losses (--rung-metric tse). */
        TSE("tse"),
        /** Model-based with warm_start lab: its surrogate also fits every earlier experiment's results of the recipe. */
        MODEL_LAB("model-lab");

        /** Every arm's name, in this order. */
        static final String NAMES = "random, flops, sahd, calibrated, warmup, model, halving, tse, model-lab";

        /** Trained by several rungs on a table (the other arms train each candidate the table's whole schedule). */
        boolean halves() {
            return this == HALVING || this == TSE;
        }

        private final String id;

        Arm(String id) {
            this.id = id;
        }

        String id() {
            return id;
        }

        /** @throws IllegalArgumentException naming the accepted arms */
        static Arm parse(String id) {
            for (Arm a : values()) {
                if (a.id.equals(id.strip())) {
                    return a;
                }
            }
            throw new IllegalArgumentException("--arms: '" + id + "' is not one of " + NAMES);
        }
    }

    /**
     * What every arm shares.
     *
     * @param budgetEpochs training budget per arm and seed, in epochs of the (limited) training set
     */
    record Settings(
            SearchSpace space,
            RungSchedule rungs,
            int budgetEpochs,
            int population,
            int generations,
            int calibrationSize,
            String dataset,
            TrainingSelection selection) {
        Settings {
            Objects.requireNonNull(space, "space");
            Objects.requireNonNull(rungs, "rungs");
            if (rungs.entrantsWithin(budgetEpochs, Integer.MAX_VALUE) < 1) {
                throw new IllegalArgumentException("--train-budget " + budgetEpochs + " trains nothing with " + rungs);
            }
        }

        /** Epochs the calibrated arm's own trainings take at most: its sample and one per later generation. */
        int calibrationEpochs() {
            return (calibrationSize + Math.max(0, generations - 1)) * rungs.epochs(0);
        }
    }

    private CompareStudy() {}

    /**
     * The experiment of {@code arm} for {@code seed}. The random arm samples as many candidates as
     * the budget trains (all of them enter); the calibrated arm's budget covers its calibration
     * trainings too (the sampler fits its halving in what they leave).
     *
     * @throws IllegalArgumentException when the calibrated arm's calibration leaves no budget
     */
    static ExperimentSpec spec(Settings s, String studyId, Arm arm, long seed) {
        int budget = s.budgetEpochs();
        String strategy = "evolution";
        RungSchedule rungs = s.rungs();
        String objective = Objective.FLOPS_SYOPS;
        int population = s.population();
        int generations = s.generations();
        TrainingSelection selection = s.selection();
        switch (arm) {
            case RANDOM -> {
                strategy = "uniform";
                population = s.rungs().entrantsWithin(budget, Integer.MAX_VALUE);
                generations = 1;
                selection = TrainingSelection.TOP_K; // the sample is the entrants
            }
            case FLOPS -> {}
            case SAHD -> objective = Objective.SAHD;
            case CALIBRATED -> {
                // The sampler takes the calibration's trainings out of the budget (those that
                // become entrants count once): the experiment's whole training stays within it.
                objective = Objective.CALIBRATED;
                if (s.rungs().entrantsWithin(budget - s.calibrationEpochs(), Integer.MAX_VALUE) < 1) {
                    throw new IllegalArgumentException("--train-budget " + s.budgetEpochs()
                            + " leaves the calibrated arm nothing after its " + s.calibrationEpochs()
                            + " epochs of calibration: raise it or lower --calibration-size");
                }
            }
            case HALVING, TSE -> {
                strategy = "uniform";
                population = s.rungs().entrantsWithin(budget, Integer.MAX_VALUE);
                generations = 1;
                selection = TrainingSelection.TOP_K; // the sample is the entrants
                rungs = s.rungs().rankedBy(arm == Arm.TSE ? RungMetric.TSE : RungMetric.ACCURACY);
            }
            case WARMUP, MODEL, MODEL_LAB -> {
                // One pool scored by SAHD, as many candidates as the evolution scores.
                strategy = arm == Arm.WARMUP ? "warmup" : "model";
                objective = Objective.SAHD;
                population = s.population() * s.generations();
                generations = 1;
            }
            default -> throw new IllegalStateException(arm.toString());
        }
        ExperimentSpec.Builder b = ExperimentPlan.specBuilder(
                        String.format(Locale.ROOT, "%s-%s-seed%d", studyId, arm.id(), seed),
                        s.space(),
                        strategy,
                        seed,
                        population,
                        generations,
                        0)
                .setObjective(objective)
                .setTrainSelection(selection.id())
                .setDataset(s.dataset())
                .setCreatedAtMs(System.currentTimeMillis());
        ExperimentPlan.withHalving(b, rungs, budget);
        if (arm == Arm.CALIBRATED) {
            b.setCalibrationSize(s.calibrationSize());
        }
        if (arm == Arm.MODEL_LAB) {
            b.setWarmStart(ExperimentPlan.WARM_START_LAB);
        }
        return b.build();
    }

    /**
     * One arm and seed, as {@code compare.csv} gives it.
     *
     * @param budgetEpochs  epochs the experiment trained in all: its results' epochs added up (a
     *                      continued run counts its epochs once, a failed one the epochs it asked for)
     * @param trained       candidates trained (OK or failed)
     * @param bestAccuracy  best test accuracy of any trained candidate (NaN when none trained OK)
     * @param meanAccuracy  mean test accuracy of those that reached the top rung (NaN when none)
     * @param calibration   the calibrated arm's choices of metric (compare.md only), else empty
     */
    record Row(
            String arm,
            long seed,
            int budgetEpochs,
            int trained,
            double bestAccuracy,
            double meanAccuracy,
            String calibration) {
        Row(String arm, long seed, int budgetEpochs, int trained, double bestAccuracy, double meanAccuracy) {
            this(arm, seed, budgetEpochs, trained, bestAccuracy, meanAccuracy, "");
        }

        String csv() {
            return String.format(
                    Locale.ROOT,
                    "%s,%d,%d,%d,%s,%s",
                    arm,
                    seed,
                    budgetEpochs,
                    trained,
                    number(bestAccuracy),
                    number(meanAccuracy));
        }
    }

    /** A figure of a comparison's CSV: four decimals, empty for NaN (nothing trained). */
    static String number(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
    }

    static final String CSV_HEADER = "arm,seed,budget_epochs,trained,best_accuracy,mean_accuracy";

    /** The row of a followed experiment. */
    static Row row(Arm arm, long seed, RungSchedule rungs, ExperimentClient.FollowedExperiment o) {
        double best = bestAccuracy(o.trained().values());
        double topSum = 0;
        int top = 0;
        for (TrainResult r : o.trained().values()) {
            if (TrainMessages.succeeded(r) && r.getEpochs() == rungs.topEpochs()) {
                topSum += r.getTestAccuracy();
                top++;
            }
        }
        // The calibrated arm's choices, for compare.md: "sahd from 0, params from 3".
        String calibration = o.search() == null
                ? ""
                : String.join(
                        ", ",
                        o.search().getCalibrationList().stream()
                                .map(c -> c.getMetric() + " from " + c.getFromGeneration())
                                .toList());
        return new Row(
                arm.id(),
                seed,
                epochsSpent(o.trained().values()),
                o.trained().size(),
                best,
                top == 0 ? Double.NaN : topSum / top,
                calibration);
    }

    /** The best test accuracy of an experiment's OK results (its last result per candidate), NaN without any. */
    static double bestAccuracy(java.util.Collection<TrainResult> trained) {
        return trained.stream()
                .filter(TrainMessages::succeeded)
                .mapToDouble(TrainResult::getTestAccuracy)
                .max()
                .orElse(Double.NaN);
    }

    /**
     * Epochs an experiment trained: its results' epochs added up, one last result per candidate (a
     * continued run counts its epochs once, a failed one the epochs it asked for).
     */
    static int epochsSpent(java.util.Collection<TrainResult> trained) {
        return trained.stream().mapToInt(TrainResult::getEpochs).sum();
    }

    /** Arms from {@code --arms random,flops,...}. */
    static List<Arm> arms(String list) {
        List<Arm> arms = java.util.Arrays.stream(list.split(","))
                .map(Arm::parse)
                .distinct()
                .toList();
        if (arms.isEmpty()) {
            throw new IllegalArgumentException("--arms needs at least one arm");
        }
        return arms;
    }
}
