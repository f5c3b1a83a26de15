package dev.autost.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autost.domain.cost.CostModel;
import dev.autost.domain.search.EvolutionSettings;
import dev.autost.domain.search.Feasibility;
import dev.autost.domain.search.GenerationalSearch;
import dev.autost.domain.search.OfflineSearch;
import dev.autost.domain.search.ParetoEvolutionSearch;
import dev.autost.domain.search.Strategies;
import dev.autost.domain.search.Trial;
import dev.autost.domain.space.SearchSpace;
import dev.autost.domain.space.SearchSpaces;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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
final class SearchCommand implements Callable<Integer> {
    @Option(names = "--offline", description = "Run in process, without Kafka.")
    boolean offline;

    @picocli.CommandLine.Mixin
    PipelineOptions cluster = new PipelineOptions();

    @Option(
            names = "--partitions",
            description = "Partitions of topics this run creates (default: ${DEFAULT-VALUE}).",
            defaultValue = "3")
    int partitions;

    @Option(
            names = "--replication",
            description = "Replication of topics this run creates (default: ${DEFAULT-VALUE}).",
            defaultValue = "1")
    short replication;

    @Option(names = "--experiment-id", description = "Id of the experiment (default: search-SPACE-SEED-MILLIS).")
    String experimentId;

    @Option(
            names = "--train-top-k",
            description = "Best candidates to train after the search (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    int trainTopK;

    @Option(
            names = "--epochs",
            description = "Training epochs per trained candidate (default: ${DEFAULT-VALUE}).",
            defaultValue = "1")
    int epochs;

    @Option(
            names = "--dataset",
            description = "Training dataset (default: ${DEFAULT-VALUE}).",
            defaultValue = "fashion-mnist")
    String dataset;

    @Option(
            names = "--timeout",
            description = "Give up after this long, e.g. PT30M (default: ${DEFAULT-VALUE}).",
            defaultValue = "PT30M")
    java.time.Duration timeout;

    @Option(names = "--progress", negatable = true, description = "Show progress bars (default: on a terminal).")
    Boolean progress;

    @picocli.CommandLine.Mixin
    ApiOptions api = new ApiOptions();

    @picocli.CommandLine.Mixin
    TrainerOptions trainer = new TrainerOptions();

    @Option(
            names = "--space",
            description = "tiny, small, base or a YAML file (default: ${DEFAULT-VALUE}).",
            defaultValue = "small")
    String space;

    @Option(
            names = "--strategy",
            description = "evolution, random, pareto, stratified or uniform (default: ${DEFAULT-VALUE}).",
            defaultValue = "evolution")
    String strategy;

    @Option(names = "--seed", description = "Seed of the search (default: ${DEFAULT-VALUE}).", defaultValue = "42")
    long seed;

    @Option(
            names = "--generations",
            description = "Bred generations after the random first one (default: ${DEFAULT-VALUE}).",
            defaultValue = "20")
    int generations;

    @Option(
            names = "--population",
            description =
                    "Candidates per generation; mutations and crossovers stay half each (default: ${DEFAULT-VALUE}).",
            defaultValue = "50")
    int population;

    @Option(
            names = "--parents",
            description = "Top-k kept as parents (default: ${DEFAULT-VALUE}).",
            defaultValue = "10")
    int parents;

    @picocli.CommandLine.Mixin
    WindowOptions window = new WindowOptions();

    @Option(
            names = "--top-k",
            description = "Architectures printed and exported as YAML (default: ${DEFAULT-VALUE}).",
            defaultValue = "10")
    int topK;

    @Option(names = "--out", description = "Output directory (default: ${DEFAULT-VALUE}).", defaultValue = "autost-out")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        SearchSpace s = window.apply(SearchSpaces.resolve(space));
        EvolutionSettings settings = EvolutionSettings.builder()
                .populationWithOfficialSplit(population)
                .parents(parents)
                .generations(generations)
                .seed(seed)
                .build();
        if (!Strategies.NAMES.contains(strategy)) {
            throw new IllegalArgumentException("--strategy '" + strategy + "' is not one of " + Strategies.NAMES);
        }
        if (offline && trainTopK > 0) {
            throw new IllegalArgumentException("--train-top-k needs the pipeline: drop --offline");
        }
        PrintWriter o = spec.commandLine().getOut();
        List<Trial> ranking;
        dev.autost.cli.pipeline.ExperimentClient.Outcome trainedOutcome = null;
        ObjectNode summary = Json.MAPPER.createObjectNode();
        long start = System.nanoTime();
        if (offline) {
            CostModel costs = new CostModel(s.modelSetting());
            GenerationalSearch search = Strategies.create(strategy, new Feasibility(s, costs), settings);
            ranking = OfflineSearch.run(search, OfflineSearch.flopsObjective(costs), null);
            if (search instanceof ParetoEvolutionSearch p) {
                ArrayNode front = summary.putArray("pareto_front");
                p.paretoFront().forEach(t -> front.add(ResultsWriter.row(t)));
            }
        } else {
            PipelineSearch pipeline = new PipelineSearch(this, s, settings);
            ranking = pipeline.run(spec.commandLine().getErr());
            trainedOutcome = pipeline.outcome;
            summary.put("experiment_id", experimentId);
            summary.put("broker_ready_ms", pipeline.brokerMs);
            summary.put("services_ready_ms", pipeline.servicesMs);
            summary.put("search_ms", pipeline.searchMs);
            o.printf(
                    "kafka: %s ready in %d ms, services in %d ms, search %d ms from submit to finish%n",
                    cluster.describe(), pipeline.brokerMs, pipeline.servicesMs, pipeline.searchMs);
            if (strategy.equals("pareto")) {
                ArrayNode front = summary.putArray("pareto_front");
                dev.autost.domain.search.ParetoFront.of(ranking).forEach(t -> front.add(ResultsWriter.row(t)));
            }
        }
        double ms = (System.nanoTime() - start) / 1e6;
        int generationsRun =
                ranking.stream().mapToInt(t -> t.candidate().generation()).max().orElse(0) + 1;
        o.printf(
                "space %s (%s), strategy %s, seed %d%s: %d candidates scored in %d generations, %.1f ms%n",
                s.name(),
                s.size(),
                strategy,
                seed,
                offline ? ", in process" : ", through Kafka",
                ranking.size(),
                generationsRun,
                ms);
        o.printf("parameter window %s%n", s.constraints().params());
        ResultsWriter.printTable(o, ranking, topK);

        summary.put("mode", offline ? "offline" : "kafka");
        summary.put("space", s.name());
        summary.put("strategy", strategy);
        summary.put("seed", seed);
        summary.put("population", settings.population());
        summary.put("generations", settings.generations());
        summary.put("parents", settings.parents());
        summary.put("candidates_scored", ranking.size());
        summary.put("elapsed_ms", ms);
        summary.put("params_window", s.constraints().params().toString());
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
}
