package dev.autost.domain.search;

import dev.autost.domain.cost.CostEstimate;
import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs a search in process as a plain loop over ask and tell: the same path the
 * message-driven sampler takes, without the messages.
 */
public final class OfflineSearch {
    private OfflineSearch() {}

    /** The official objective: score = FLOPs as the syops counter reports them. */
    public static Function<Genome, Outcome> flopsObjective(CostModel model) {
        return g -> {
            CostEstimate c = model.estimate(g);
            return new Outcome(c.flopsSyops(), c);
        };
    }

    /**
     * {@code objective} over the cost model and, when it needs them, the probe metrics {@code
     * probe} measures for a genome: for the candidates of each generation that {@code gate} lets
     * through; the others get {@link Objective#unprobed}. {@code probe} is not called for a
     * cost-model objective. One {@link ObjectiveScorer} per returned function: use it for one run.
     */
    public static Function<List<Candidate>, List<Outcome>> objective(
            CostModel model, Objective objective, ProbeGate gate, Function<Genome, Map<String, Double>> probe) {
        ObjectiveScorer scorer = new ObjectiveScorer(objective);
        return generation -> {
            scorer.asked(generation);
            Set<Long> skipped = objective.needsProbes() ? gate.skipped(generation, model) : Set.of();
            Map<Long, Outcome> told = new HashMap<>();
            for (Candidate c : generation) {
                boolean skip = skipped.contains(c.id());
                Map<String, Double> probes = objective.needsProbes() && !skip ? probe.apply(c.genome()) : Map.of();
                ObjectiveScorer.Measurement m =
                        new ObjectiveScorer.Measurement(model.estimate(c.genome()), probes, skip);
                scorer.offer(c.id(), m).forEach(t -> told.put(t.candidateId(), t.outcome()));
            }
            return generation.stream().map(c -> told.get(c.id())).toList();
        };
    }

    /**
     * Drives {@code strategy} to the end, evaluating each generation at once with {@code
     * evaluation} (one outcome per candidate, in order).
     *
     * @param onGeneration called with the generation index after each generation is told
     * @return the ranking, best first
     */
    public static List<Trial> runGenerations(
            SearchStrategy strategy,
            Function<List<Candidate>, List<Outcome>> evaluation,
            Consumer<Integer> onGeneration) {
        while (!strategy.isFinished()) {
            int gen = strategy.generation();
            List<Candidate> batch = strategy.ask();
            List<Outcome> outcomes = evaluation.apply(batch);
            for (int i = 0; i < batch.size(); i++) {
                strategy.tell(batch.get(i).id(), outcomes.get(i));
            }
            if (onGeneration != null) {
                onGeneration.accept(gen);
            }
        }
        return strategy.ranking();
    }

    /**
     * Drives {@code strategy} to the end, evaluating each candidate with {@code objective}.
     *
     * @param onGeneration called with the generation index after each generation is told
     * @return the ranking, best first
     */
    public static List<Trial> run(
            SearchStrategy strategy, Function<Genome, Outcome> objective, Consumer<Integer> onGeneration) {
        return runGenerations(
                strategy,
                batch -> batch.stream().map(c -> objective.apply(c.genome())).toList(),
                onGeneration);
    }
}
