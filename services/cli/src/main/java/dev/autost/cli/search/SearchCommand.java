package dev.autost.cli.search;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autost.cli.json.Json;
import dev.autost.cli.options.ApiOptions;
import dev.autost.cli.options.CommonOptions.DatasetOptions;
import dev.autost.cli.options.CommonOptions.EvolutionOptions;
import dev.autost.cli.options.CommonOptions.OutputOption;
import dev.autost.cli.options.CommonOptions.ProgressOption;
import dev.autost.cli.options.CommonOptions.SpaceOptions;
import dev.autost.cli.options.CommonOptions.TimeoutOption;
import dev.autost.cli.options.CommonOptions.TopicOptions;
import dev.autost.cli.options.CommonOptions.TrainSelectionOption;
import dev.autost.cli.options.ConcurrencyOption;
import dev.autost.cli.options.Defaults;
import dev.autost.cli.options.HalvingOptions;
import dev.autost.cli.options.ObjectiveOption;
import dev.autost.cli.options.PipelineOptions;
import dev.autost.cli.options.TrainerOptions;
import dev.autost.cli.pipeline.ExperimentClient;
import dev.autost.domain.cost.CostModel;
import dev.autost.domain.search.EvolutionSettings;
import dev.autost.domain.search.Feasibility;
import dev.autost.domain.search.GenerationalSearch;
import dev.autost.domain.search.Objective;
import dev.autost.domain.search.OfflineSearch;
import dev.autost.domain.search.ParetoEvolutionSearch;
import dev.autost.domain.search.ProbeGate;
import dev.autost.domain.search.Strategy;
import dev.autost.domain.search.Trial;
import dev.autost.domain.space.SearchSpace;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.models.train.TrainingRun;
import dev.autost.prober.ExperimentProbe;
import dev.autost.trainer.TrainerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code autost search}: runs a search and writes its ranked results. */
@Command(
        name = "search",
        mixinStandardHelpOptions = true,
        description = {
            "Searches a space for the highest-scoring architectures inside the parameter window.",
            "By default the search runs through Kafka: an embedded broker (or --bootstrap-servers) with the",
            "sampler, scorer and evaluator services; with --offline it runs in this process through ask/tell.",
            "Both give the same ranking for the same seed.",
            "Writes OUT/results.json (every feasible candidate scored, best first), OUT/top/rank-NN-HASH.yaml",
            "(official RETRAIN format) and OUT/search.json (settings and timing)."
        })
public final class SearchCommand implements Callable<Integer> {
    @Option(names = "--offline", description = "Run in process, without Kafka.")
    boolean offline;

    @Mixin
    PipelineOptions cluster;

    @Mixin
    TopicOptions topics;

    @Option(names = "--experiment-id", description = "Id of the experiment (default: search-SPACE-SEED-MILLIS).")
    String experimentId;

    @Option(
            names = "--train-top-k",
            description = "Best candidates to train after the search (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    int trainTopK;

    @Mixin
    TrainSelectionOption trainSelection;

    @Mixin
    HalvingOptions halving;

    @Mixin
    ObjectiveOption objective;

    @Mixin
    DatasetOptions training;

    @Mixin
    TimeoutOption timeout = new TimeoutOption(Duration.ofMinutes(30));

    @Mixin
    ProgressOption progress;

    @Mixin
    ApiOptions api;

    @Mixin
    TrainerOptions trainer;

    @Mixin
    ConcurrencyOption concurrency;

    @Mixin
    SpaceOptions space;

    @Option(
            names = "--strategy",
            description = {
                "evolution, random, pareto, stratified or uniform; warmup (a uniform pool of --population, the",
                "objective's best trained with one in four picked at random) or model (the same pool, trained one at",
                "a time by a surrogate of accuracy refitted on each result; needs --rungs, each training takes the",
                "last rung's epochs, within --train-budget) (default: ${DEFAULT-VALUE})."
            },
            defaultValue = "evolution")
    String strategy;

    @Option(
            names = "--warm-start",
            paramLabel = "lab",
            description = {
                "With --strategy model: lab starts the surrogate, from the experiment's first result on, with every",
                "result the sampler holds of the same recipe for candidates of its pool (default: none)."
            })
    String warmStart;

    // Not a mixin: each command says what its seed drives.
    @Option(
            names = "--seed",
            description = "Seed of the search (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + Defaults.SEED)
    long seed;

    @Mixin
    EvolutionOptions evolution;

    @Option(
            names = "--parents",
            description = "Top-k kept as parents (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + Defaults.PARENTS)
    int parents;

    @Option(
            names = "--top-k",
            description = "Architectures printed and exported as YAML (default: ${DEFAULT-VALUE}).",
            defaultValue = "10")
    int topK;

    @Mixin
    OutputOption output = new OutputOption("autost-out");

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        SearchSpace s = space.resolve();
        Path out = output.dir();
        EvolutionSettings settings = evolution.settings(parents, seed);
        if (!Strategy.NAMES.contains(strategy)) {
            throw new IllegalArgumentException("--strategy '" + strategy + "' is not one of " + Strategy.NAMES);
        }
        if (offline && trainTopK > 0) {
            throw new IllegalArgumentException("--train-top-k needs the pipeline: drop --offline");
        }
        if (offline && objective.objective().isCalibrated()) {
            throw new IllegalArgumentException(
                    "--objective calibrated trains candidates during the search: it needs the pipeline, drop --offline");
        }
        if (halving.schedule().isPresent()) {
            if (offline) {
                throw new IllegalArgumentException("--rungs trains: it needs the pipeline, drop --offline");
            }
            if (trainTopK == 0 && halving.budgetEpochs() == 0) {
                throw new IllegalArgumentException(
                        "--rungs needs --train-top-k or --train-budget: nothing would train");
            }
            if (spec.commandLine().getParseResult().hasMatchedOption("--epochs")) {
                throw new IllegalArgumentException("--epochs and --rungs: with rungs the top rung sets the epochs");
            }
        }
        PrintWriter o = spec.commandLine().getOut();
        List<Trial> ranking;
        ExperimentClient.FollowedExperiment trainedOutcome = null;
        ObjectNode summary = Json.MAPPER.createObjectNode();
        String endedEarly = ""; // why the search stopped before its last generation, if it did
        long start = System.nanoTime();
        if (offline) {
            CostModel costs = new CostModel(s.modelSetting());
            GenerationalSearch search = Strategy.parse(strategy).create(new Feasibility(s, costs), settings);
            ranking = OfflineSearch.runGenerations(search, offlineObjective(s, settings, costs), null);
            endedEarly = search.endedEarly().orElse("");
            if (search instanceof ParetoEvolutionSearch p) {
                ArrayNode front = summary.putArray("pareto_front");
                p.paretoFront().forEach(t -> front.add(ResultsWriter.row(t)));
            }
        } else {
            PipelineSearch.Request request = pipelineRequest(s, settings);
            PipelineSearch.Result result =
                    new PipelineSearch(request).run(spec.commandLine().getErr());
            ranking = result.ranking();
            trainedOutcome = result.outcome();
            summary.put("experiment_id", request.experimentId());
            summary.put("broker_ready_ms", result.brokerMs());
            summary.put("services_ready_ms", result.servicesMs());
            summary.put("search_ms", result.searchMs());
            o.printf(
                    "kafka: %s ready in %d ms, services in %d ms, search %d ms from submit to finish%n",
                    cluster.describe(), result.brokerMs(), result.servicesMs(), result.searchMs());
            if (strategy.equals("pareto")) {
                ArrayNode front = summary.putArray("pareto_front");
                ParetoEvolutionSearch.paretoFront(ranking).forEach(t -> front.add(ResultsWriter.row(t)));
            }
        }
        double ms = (System.nanoTime() - start) / 1e6;
        int generationsRun =
                ranking.stream().mapToInt(t -> t.candidate().generation()).max().orElse(0) + 1;
        o.printf(
                "space %s (%s), strategy %s, objective %s, seed %d%s: %d candidates scored in %d generations, %.1f ms%n",
                s.name(),
                s.size(),
                strategy,
                objective.objective(),
                seed,
                offline ? ", in process" : ", through Kafka",
                ranking.size(),
                generationsRun,
                ms);
        o.printf("parameter window %s%n", s.constraints().params());
        if (trainedOutcome != null && trainedOutcome.search() != null) {
            endedEarly = trainedOutcome.search().getEndedEarly();
        }
        if (!endedEarly.isEmpty()) {
            o.printf("the search ended before its last generation: %s%n", endedEarly);
            summary.put("ended_early", endedEarly);
        }
        ResultsWriter.printTable(o, ranking, topK, objective.objective());

        summary.put("mode", offline ? "offline" : "kafka");
        summary.put("space", s.name());
        summary.put("strategy", strategy);
        summary.put("objective", objective.objective().id());
        summary.put("probe_fraction", objective.probeGate().fraction());
        summary.put("seed", seed);
        summary.put("population", settings.population());
        summary.put("generations", settings.generations());
        summary.put("parents", settings.parents());
        summary.put("candidates_scored", ranking.size());
        summary.put("elapsed_ms", ms);
        summary.put("params_window", s.constraints().params().toString());
        halving.schedule().ifPresent(h -> {
            ArrayNode rungs = summary.putArray("rung_epochs");
            h.rungEpochs().forEach(rungs::add);
            summary.put("eta", h.eta());
            summary.put("train_budget_epochs", halving.budgetEpochs());
        });
        if (trainedOutcome != null && trainedOutcome.search() != null) {
            ArrayNode steps = summary.putArray("calibration");
            for (var step : trainedOutcome.search().getCalibrationList()) {
                ObjectNode n = steps.addObject();
                n.put("from_generation", step.getFromGeneration());
                n.put("metric", step.getMetric());
                n.put("trained", step.getTrained());
                n.put("note", step.getNote());
                ObjectNode taus = n.putObject("kendall_tau_b");
                step.getCorrelationsList().forEach(c -> Json.putPlain(taus, c.getMetric(), c.getKendallTauB()));
            }
            if (steps.isEmpty()) {
                summary.remove("calibration");
            }
        }
        if (trainedOutcome != null
                && trainedOutcome.search() != null
                && halving.schedule().isPresent()) {
            summary.put("train_epochs_requested", trainedOutcome.search().getTrainEpochsRequested());
            summary.put("train_epochs_worst_case", trainedOutcome.search().getTrainBudgetEpochs());
        }
        Path results = ResultsWriter.write(out, ranking, topK, summary);
        if (trainedOutcome != null && !trainedOutcome.trained().isEmpty()) {
            ResultsWriter.printTrained(o, ranking, trainedOutcome);
            o.println("wrote " + ResultsWriter.writeTrained(out, ranking, trainedOutcome));
        }
        o.println("wrote " + results + " and " + Math.min(topK, ranking.size()) + " RETRAIN YAML files under "
                + out.resolve("top"));
        o.flush();
        return 0;
    }

    /**
     * The objective in process: the cost model, and for a probe metric the prober's own probe
     * (same dataset, backbone, T, seed and images as the service), so both modes rank alike.
     */
    private java.util.function.Function<
                    List<dev.autost.domain.search.Candidate>, List<dev.autost.domain.search.Outcome>>
            offlineObjective(SearchSpace s, EvolutionSettings settings, CostModel costs) {
        Objective o = objective.objective();
        ProbeGate gate = objective.probeGate();
        if (!o.needsProbes()) {
            return OfflineSearch.objective(costs, o, gate, g -> java.util.Map.of());
        }
        ExperimentPlan plan = ExperimentPlan.fromSpec(ExperimentPlan.specBuilder(
                        "offline", s, strategy, settings.seed(), settings.population(), settings.generations(), parents)
                .setObjective(o.id())
                .setDataset(training.dataset())
                .build());
        TrainerConfig t = trainer.template();
        ExperimentProbe probe = new ExperimentProbe(t.device(), t.dataDir(), TrainingRun.DEFAULT_PROXY_IMAGES);
        return OfflineSearch.objective(costs, o, gate, g -> probe.measure(plan, g));
    }

    /** The options a search through Kafka reads, checked before anything starts. */
    private PipelineSearch.Request pipelineRequest(SearchSpace s, EvolutionSettings settings) {
        cluster.check();
        boolean api = this.api.enabled() && cluster.localServices();
        return new PipelineSearch.Request(
                s,
                settings,
                strategy,
                experimentId != null
                        ? experimentId
                        : "search-" + s.name() + "-" + settings.seed() + "-" + System.currentTimeMillis(),
                objective.objective(),
                objective.probeGate(),
                objective.calibrationSize(),
                warmStart == null ? "" : warmStart,
                trainTopK,
                trainSelection.selection(),
                training.epochs(),
                halving.schedule(),
                halving.budgetEpochs(),
                training.dataset(),
                timeout.timeout(),
                progress.enabled(),
                new PipelineSearch.Cluster(
                        cluster.bootstrapServers(),
                        cluster.kafkaData(),
                        cluster.secure(),
                        cluster.localServices(),
                        topics.partitions(),
                        topics.replication()),
                trainer.template().withConcurrency(concurrency.concurrency(trainer.template())),
                api ? new PipelineSearch.Api(this.api.server(), this.api.token()) : null);
    }
}
