package dev.autost.messaging.codec;

import dev.autost.domain.AutostException;
import dev.autost.domain.fidelity.RungMetric;
import dev.autost.domain.fidelity.RungSchedule;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.search.Calibration;
import dev.autost.domain.search.EvolutionSettings;
import dev.autost.domain.search.Feasibility;
import dev.autost.domain.search.Objective;
import dev.autost.domain.search.ProbeGate;
import dev.autost.domain.search.SearchExhaustedException;
import dev.autost.domain.search.Strategy;
import dev.autost.domain.search.TrainingSelection;
import dev.autost.domain.space.SearchSpace;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.ExperimentSpec;
import dev.autost.proto.v1.TrainRequest;
import java.util.Objects;

/**
 * An experiment spec checked and turned into domain objects. Every service that needs an
 * experiment's settings builds it from the same {@link ExperimentSpec}, so they agree.
 *
 * @param experimentId key of everything the experiment produces
 * @param space        parsed search space
 * @param strategy     evolution, random, pareto, stratified, uniform, warmup or model
 * @param settings     population, generations, parents, seed
 * @param trainTopK    how many of the best candidates are trained (0 = none)
 * @param trainSelection which of the ranking those are (top-k or distinct shapes)
 * @param epochs       training epochs per trained candidate
 * @param dataset      training dataset name
 * @param objective    the metric the search maximises (default flops_syops, the paper's)
 * @param probeGate    with a probe objective, which fraction of each generation is probed
 * @param halving      successive halving over the trained candidates, or empty: each trains
 *                     {@code epochs} once
 * @param trainBudgetEpochs with halving, the budget in epochs of the training set that sets how
 *                     many candidates enter (0: {@code trainTopK} enter)
 * @param calibrationSize with objective calibrated, the first-generation candidates trained before
 *                     the search goes on; 0 otherwise
 * @param warmStartLab with strategy model, whether the surrogate starts from the lab's results
 */
public record ExperimentPlan(
        String experimentId,
        SearchSpace space,
        Strategy strategy,
        EvolutionSettings settings,
        int trainTopK,
        TrainingSelection trainSelection,
        int epochs,
        String dataset,
        Objective objective,
        ProbeGate probeGate,
        java.util.Optional<RungSchedule> halving,
        int trainBudgetEpochs,
        int calibrationSize,
        boolean warmStartLab) {

    /** {@code warm_start} value: the surrogate starts from the lab's results of the same recipe. */
    public static final String WARM_START_LAB = "lab";

    /** ExperimentSpec option that, on a re-announced spec, stops the experiment. */
    public static final String STOPPED_OPTION = "stopped";
    /** ExperimentSpec option {@code sampler: off}: the scorer serves the experiment, the sampler ignores it. */
    public static final String SAMPLER_OPTION = "sampler";

    public static final String NO_SAMPLER = "off";

    /** Defaults applied to unset (zero) spec fields: the official search. */
    public static final int DEFAULT_POPULATION = 50;

    public static final int DEFAULT_GENERATIONS = 20;

    /**
     * Largest accepted values, for specs from the API and from Kafka alike: a spec with a
     * population of two billion decodes fine and would stop the sampler (on every replay too).
     */
    public static final int MAX_POPULATION = 100_000;

    public static final int MAX_GENERATIONS = 10_000;

    public static final int MAX_TRAIN_TOP_K = 10_000;

    /**
     * Most candidates one experiment may score (population x generations). The sampler, the
     * evaluator and the API hold every score of a running search and replay them at a restart, so
     * one submission above what their heaps hold would stop them again on every restart (and the
     * stop route with them). 500 000 is twice the largest search measured (docs/benchmarks.md,
     * interleave: 250 000 candidates); a constant of the cluster, so every service refuses alike.
     */
    public static final long MAX_CANDIDATES = 500_000;

    /**
     * Experiments that may wait for a running slot by default (the sampler's queue; the API
     * refuses a submission beyond it): each waiting spec is held until it runs, and a thousand is
     * more than a lab submits at once.
     */
    public static final int DEFAULT_MAX_QUEUED_EXPERIMENTS = 1_000;

    public static final int MAX_EPOCHS = 10_000;

    public ExperimentPlan {
        Objects.requireNonNull(experimentId, "experimentId");
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(trainSelection, "trainSelection");
        Objects.requireNonNull(objective, "objective");
        Objects.requireNonNull(probeGate, "probeGate");
        Objects.requireNonNull(halving, "halving");
    }

    /** Most epochs of training a spec may budget: about a year of a GPU on the small space. */
    public static final int MAX_TRAIN_BUDGET_EPOCHS = 1_000_000;

    /**
     * Checks a spec and builds the plan.
     *
     * @throws InvalidExperimentException naming what is wrong
     */
    public static ExperimentPlan fromSpec(ExperimentSpec spec) {
        if (!SchemaVersions.isKnown(spec.getSchemaVersion())) {
            throw new InvalidExperimentException(
                    "unknown schema_version " + Integer.toUnsignedString(spec.getSchemaVersion()));
        }
        String id = spec.getExperimentId();
        String idProblem = idProblem(id);
        if (idProblem != null) {
            throw new InvalidExperimentException(idProblem);
        }
        SearchSpace space;
        try {
            space = SearchSpaces.parse(spec.getSpaceYaml());
        } catch (AutostException e) {
            throw new InvalidExperimentException("space_yaml: " + e.getMessage());
        }
        String strategyName = spec.getStrategy().isEmpty() ? Strategy.EVOLUTION.id() : spec.getStrategy();
        if (!Strategy.NAMES.contains(strategyName)) {
            throw new InvalidExperimentException("strategy '" + strategyName + "' is not one of " + Strategy.NAMES);
        }
        Strategy strategy = Strategy.parse(strategyName);
        try {
            requireAtMost("population", spec.getPopulation(), MAX_POPULATION);
            requireAtMost("generations", spec.getGenerations(), MAX_GENERATIONS);
            requireAtMost("train_top_k", spec.getTrainTopK(), MAX_TRAIN_TOP_K);
            requireAtMost("epochs", spec.getEpochs(), MAX_EPOCHS);
            requireAtMost("parents", spec.getParents(), MAX_POPULATION);
        } catch (IllegalArgumentException e) {
            throw new InvalidExperimentException(e.getMessage());
        }
        int population = spec.getPopulation() == 0 ? DEFAULT_POPULATION : spec.getPopulation();
        int generations = spec.getGenerations() == 0 ? DEFAULT_GENERATIONS : spec.getGenerations();
        if ((long) population * generations > MAX_CANDIDATES) {
            throw new InvalidExperimentException(String.format(
                    java.util.Locale.ROOT,
                    "population x generations = %d x %d = %d candidates, over the limit of %d candidates per"
                            + " experiment (the services hold a running search's scores in memory)",
                    population,
                    generations,
                    (long) population * generations,
                    MAX_CANDIDATES));
        }
        EvolutionSettings.Builder b = EvolutionSettings.builder()
                .populationWithOfficialSplit(population)
                .generations(generations)
                .seed(spec.getSeed());
        if (spec.getParents() > 0) {
            b.parents(spec.getParents());
        }
        EvolutionSettings settings;
        TrainingSelection selection;
        Objective objective;
        ProbeGate gate;
        try {
            settings = b.build();
            selection = TrainingSelection.parse(spec.getTrainSelection());
            objective = Objective.parse(spec.getObjective());
            gate = ProbeGate.of(spec.getProbeFraction());
        } catch (IllegalArgumentException e) {
            throw new InvalidExperimentException(e.getMessage());
        }
        java.util.Optional<RungSchedule> halving;
        int epochs = spec.getEpochs();
        try {
            halving = halving(spec);
            if (halving.isPresent()) {
                if (epochs != 0 && epochs != halving.get().topEpochs()) {
                    throw new IllegalArgumentException("with rung_epochs, epochs must be 0 or the top rung ("
                            + halving.get().topEpochs() + "), got " + epochs);
                }
                epochs = halving.get().topEpochs();
            }
            if (strategy == Strategy.MODEL && halving.isEmpty()) {
                throw new IllegalArgumentException("strategy model trains through the sampler: it needs rung_epochs"
                        + " (each training takes the last rung's epochs) and train_budget_epochs or train_top_k");
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidExperimentException(e.getMessage());
        }
        return new ExperimentPlan(
                id,
                space,
                strategy,
                settings,
                spec.getTrainTopK(),
                selection,
                epochs,
                spec.getDataset().isEmpty() ? "fashion-mnist" : spec.getDataset(),
                objective,
                gate,
                halving,
                spec.getTrainBudgetEpochs(),
                calibrationSize(spec, objective, settings),
                warmStartLab(spec, strategy));
    }

    /** The spec's warm start: "lab" with strategy model, else empty. */
    private static boolean warmStartLab(ExperimentSpec spec, Strategy strategy) {
        String w = spec.getWarmStart();
        if (w.isEmpty()) {
            return false;
        }
        if (!w.equals(WARM_START_LAB)) {
            throw new InvalidExperimentException("warm_start '" + w + "' is not one of lab (or empty)");
        }
        if (strategy != Strategy.MODEL) {
            throw new InvalidExperimentException(
                    "warm_start lab needs strategy model (its surrogate is what starts warm)");
        }
        return true;
    }

    /** The spec's calibration sample, checked against the objective and the first generation's size. */
    private static int calibrationSize(ExperimentSpec spec, Objective objective, EvolutionSettings settings) {
        if (!objective.isCalibrated()) {
            if (spec.getCalibrationSize() != 0) {
                throw new InvalidExperimentException("calibration_size needs objective calibrated");
            }
            return 0;
        }
        int size = spec.getCalibrationSize() == 0 ? Calibration.DEFAULT_SIZE : spec.getCalibrationSize();
        if (size < Calibration.MIN_RESULTS || size > settings.population()) {
            throw new InvalidExperimentException("calibration_size must be from " + Calibration.MIN_RESULTS
                    + " to the first generation's " + settings.population() + " candidates, got "
                    + Integer.toUnsignedString(size));
        }
        return size;
    }

    /** Epochs of a first training: the first rung's with halving, else {@code epochs}. */
    public int firstEpochs() {
        return halving.map(h -> h.epochs(0)).orElse(epochs);
    }

    /** The spec's rungs, checked: a budget or eta without rungs is refused, as are rungs nothing enters. */
    private static java.util.Optional<RungSchedule> halving(ExperimentSpec spec) {
        requireAtMost("train_budget_epochs", spec.getTrainBudgetEpochs(), MAX_TRAIN_BUDGET_EPOCHS);
        requireAtMost("eta", spec.getEta(), MAX_POPULATION);
        if (spec.getRungEpochsCount() == 0) {
            if (spec.getTrainBudgetEpochs() != 0 || spec.getEta() != 0) {
                throw new IllegalArgumentException("train_budget_epochs and eta need rung_epochs (e.g. 1,3,9)");
            }
            if (!spec.getRungMetric().isEmpty()) {
                throw new IllegalArgumentException("rung_metric needs rung_epochs (e.g. 1,2,3)");
            }
            return java.util.Optional.empty();
        }
        for (int e : spec.getRungEpochsList()) {
            requireAtMost("rung_epochs", e, MAX_EPOCHS);
        }
        RungSchedule schedule = new RungSchedule(
                spec.getRungEpochsList(),
                spec.getEta() == 0 ? RungSchedule.DEFAULT_ETA : spec.getEta(),
                RungMetric.parse(spec.getRungMetric()));
        if (spec.getTrainBudgetEpochs() != 0 && spec.getTrainBudgetEpochs() < schedule.epochs(0)) {
            throw new IllegalArgumentException("train_budget_epochs (" + spec.getTrainBudgetEpochs()
                    + ") is less than the first rung's " + schedule.epochs(0) + " epochs: nothing would train");
        }
        if (spec.getTrainTopK() == 0 && spec.getTrainBudgetEpochs() == 0) {
            throw new IllegalArgumentException(
                    "rung_epochs needs train_top_k or train_budget_epochs: nothing would train");
        }
        return java.util.Optional.of(schedule);
    }

    /**
     * How many of {@code available} ranked candidates the training takes: with a budget, as many
     * as its halving's worst case fits; else {@code trainTopK}.
     */
    public int trainEntrants(int available) {
        if (halving.isPresent() && trainBudgetEpochs > 0) {
            return halving.get().entrantsWithin(trainBudgetEpochs, available);
        }
        return Math.min(trainTopK, available);
    }

    /**
     * Writes successive halving into a spec: the rungs, eta, their metric and the budget in epochs
     * (0: train_top_k enter); {@code epochs} becomes 0, the top rung's.
     */
    public static ExperimentSpec.Builder withHalving(ExperimentSpec.Builder spec, RungSchedule h, int budgetEpochs) {
        return spec.clearRungEpochs()
                .addAllRungEpochs(h.rungEpochs())
                .setEta(h.eta())
                .setRungMetric(
                        h.metric() == RungMetric.ACCURACY ? "" : h.metric().id())
                .setTrainBudgetEpochs(budgetEpochs)
                .setEpochs(0);
    }

    /**
     * Refuses a uint32 field of a message over {@code max}, compared unsigned so that 2^32-1 is
     * not read as -1.
     *
     * @throws IllegalArgumentException naming the field, the limit and the value
     */
    public static void requireAtMost(String field, int unsigned, int max) {
        if (Integer.compareUnsigned(unsigned, max) > 0) {
            throw new IllegalArgumentException(
                    field + " must be at most " + max + ", got " + Integer.toUnsignedString(unsigned));
        }
    }

    /**
     * The encoding side: a spec of the search itself, to which callers add training, dataset,
     * options and creation time. {@code parents} 0 keeps the official top-k; a value of 0 for
     * {@code population} or {@code generations} means the default, as {@link #fromSpec} reads it.
     */
    public static ExperimentSpec.Builder specBuilder(
            String experimentId,
            SearchSpace space,
            String strategy,
            long seed,
            int population,
            int generations,
            int parents) {
        return ExperimentSpec.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(experimentId)
                .setSpaceYaml(SearchSpaces.toYaml(space))
                .setStrategy(strategy)
                .setSeed(seed)
                .setPopulation(population)
                .setGenerations(generations)
                .setParents(parents);
    }

    /** The request to train {@code genome}, the {@code rank}-th best of this experiment, by its recipe. */
    public TrainRequest trainRequest(Genome genome, int rank) {
        return trainRequest(genome, rank, epochs);
    }

    /**
     * The request to train {@code genome} to {@code epochs} in all; with halving, on the top rung's
     * schedule, so each rung is the start of the top rung's run.
     */
    public TrainRequest trainRequest(Genome genome, int rank, int epochs) {
        TrainRequest r = TrainMessages.request(
                experimentId,
                genome,
                dataset,
                epochs,
                settings.seed(),
                rank,
                space.setting().backbone(),
                space.modelSetting().timeSteps());
        return halving.map(h -> r.toBuilder().setScheduleEpochs(h.topEpochs()).build())
                .orElse(r);
    }

    /** What {@link #isValidId} accepts, for error messages. */
    public static final String ID_RULE =
            "must be 1-200 characters without '/', '\\' or control characters, and not '.' or '..'";

    /**
     * Experiment ids key every record of the experiment ({@code ID/HASH}) and name its checkpoint
     * folder on the trainers, so an id must be one safe path segment: non-empty, at most 200
     * characters, no separators or control characters, not {@code .} or {@code ..}.
     */
    /** Why {@code id} is not a valid experiment id (the reason records are refused with), or null. */
    public static String idProblem(String id) {
        return isValidId(id) ? null : "experiment_id " + ID_RULE + ", got '" + id + "'";
    }

    public static boolean isValidId(String id) {
        if (id == null || id.isEmpty() || id.length() > 200 || id.equals(".") || id.equals("..")) {
            return false;
        }
        return id.chars().noneMatch(c -> c == '/' || c == '\\' || Character.isISOControl(c));
    }

    /**
     * Refuses a plan whose search could not even draw its first generation, by the sampler's own
     * rule (the same draws it makes when the experiment starts): a parameter window or a space
     * with too few feasible architectures.
     *
     * @throws InvalidExperimentException naming the space's constraints
     */
    public ExperimentPlan checkFeasible() {
        try {
            strategy.create(Feasibility.of(space), settings).ask();
        } catch (SearchExhaustedException e) {
            throw new InvalidExperimentException(infeasible(e));
        }
        return this;
    }

    /** The reason for a space whose feasible candidates ran out, in the API's terms. */
    public static String infeasible(SearchExhaustedException e) {
        return "space.constraints: too few feasible candidates: " + e.getMessage();
    }

    /** An experiment spec was refused. */
    public static final class InvalidExperimentException extends AutostException {
        private static final long serialVersionUID = 1L;

        public InvalidExperimentException(String message) {
            super(message);
        }
    }
}
