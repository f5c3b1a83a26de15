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
import dev.autost.domain.space.Window;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code autost search}: runs a search and writes its ranked results. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Searches a space for the highest-scoring architectures inside the parameter window.",
            "With --offline the whole search runs in this process through ask/tell.",
            "Writes OUT/results.json (every feasible candidate scored, best first), OUT/top/rank-NN-HASH.yaml",
            "(official RETRAIN format) and OUT/search.json (settings and timing)."})
final class SearchCommand implements Callable<Integer> {
    @Option(names = "--offline", description = "Run in process, without Kafka.")
    boolean offline;

    @Option(names = "--space", description = "tiny, small, base or a YAML file (default: ${DEFAULT-VALUE}).", defaultValue = "small")
    String space;

    @Option(names = "--strategy", description = "evolution, random or pareto (default: ${DEFAULT-VALUE}).", defaultValue = "evolution")
    String strategy;

    @Option(names = "--seed", description = "Seed of the search (default: ${DEFAULT-VALUE}).", defaultValue = "42")
    long seed;

    @Option(names = "--generations", description = "Bred generations after the random first one (default: ${DEFAULT-VALUE}).", defaultValue = "20")
    int generations;

    @Option(names = "--population", description = "Candidates per generation; mutations and crossovers stay half each (default: ${DEFAULT-VALUE}).",
            defaultValue = "50")
    int population;

    @Option(names = "--parents", description = "Top-k kept as parents (default: ${DEFAULT-VALUE}).", defaultValue = "10")
    int parents;

    @Option(names = "--params-min", description = "Override the space's lower parameter bound, e.g. 11e6.")
    Double paramsMin;

    @Option(names = "--params-max", description = "Override the space's upper parameter bound, e.g. 12e6.")
    Double paramsMax;

    @Option(names = "--top-k", description = "Architectures printed and exported as YAML (default: ${DEFAULT-VALUE}).", defaultValue = "10")
    int topK;

    @Option(names = "--out", description = "Output directory (default: ${DEFAULT-VALUE}).", defaultValue = "autost-out")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (!offline) {
            err.println("autost search: the Kafka pipeline is not part of this build yet; run with --offline "
                    + "to search in process");
            return 2;
        }
        SearchSpace s = applyWindow(SearchSpaces.resolve(space));
        EvolutionSettings settings = EvolutionSettings.builder().populationWithOfficialSplit(population)
                .parents(parents).generations(generations).seed(seed).build();
        CostModel costs = new CostModel(s.modelSetting());
        GenerationalSearch search = Strategies.create(strategy, new Feasibility(s, costs), settings);
        long start = System.nanoTime();
        List<Trial> ranking = OfflineSearch.run(search, OfflineSearch.flopsObjective(costs), null);
        double ms = (System.nanoTime() - start) / 1e6;

        PrintWriter o = spec.commandLine().getOut();
        o.printf("space %s (%s), strategy %s, seed %d: %d candidates scored in %d generations, %.1f ms%n",
                s.name(), s.size(), strategy, seed, ranking.size(), search.generation() , ms);
        o.printf("parameter window %s%n", s.constraints().params());
        ResultsWriter.printTable(o, ranking, topK);

        ObjectNode summary = Json.MAPPER.createObjectNode();
        summary.put("space", s.name());
        summary.put("strategy", strategy);
        summary.put("seed", seed);
        summary.put("population", settings.population());
        summary.put("generations", settings.generations());
        summary.put("parents", settings.parents());
        summary.put("candidates_scored", ranking.size());
        summary.put("elapsed_ms", ms);
        summary.put("params_window", s.constraints().params().toString());
        if (search instanceof ParetoEvolutionSearch p) {
            ArrayNode front = summary.putArray("pareto_front");
            p.paretoFront().forEach(t -> front.add(ResultsWriter.row(t)));
        }
        Path results = ResultsWriter.write(out, ranking, topK, summary);
        o.println("wrote " + results + " and " + Math.min(topK, ranking.size()) + " RETRAIN YAML files under " + out.resolve("top"));
        o.flush();
        return 0;
    }

    private SearchSpace applyWindow(SearchSpace s) {
        if (paramsMin == null && paramsMax == null) {
            return s;
        }
        Window w = s.constraints().params();
        Window nw = new Window(paramsMin != null ? paramsMin : w.min(), paramsMax != null ? paramsMax : w.max());
        return s.withConstraints(s.constraints().withParams(nw));
    }
}
