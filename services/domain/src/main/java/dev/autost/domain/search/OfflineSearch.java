package dev.autost.domain.search;

import dev.autost.domain.cost.CostEstimate;
import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import java.util.List;
import java.util.Map;
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
     * probe} measures for a genome (not called otherwise).
     */
    public static Function<Genome, Outcome> objective(
            CostModel model, Objective objective, Function<Genome, Map<String, Double>> probe) {
        return g -> {
            CostEstimate c = model.estimate(g);
            Outcome o = objective.outcome(c, objective.needsProbes() ? probe.apply(g) : Map.of());
            if (o == null) {
                throw new IllegalStateException("the probe of " + g.hash() + " did not measure " + objective);
            }
            return o;
        };
    }

    /**
     * Drives {@code strategy} to the end, evaluating each candidate with {@code objective}.
     *
     * @param onGeneration called with the generation index after each generation is told
     * @return the ranking, best first
     */
    public static List<Trial> run(
            SearchStrategy strategy, Function<Genome, Outcome> objective, Consumer<Integer> onGeneration) {
        while (!strategy.isFinished()) {
            int gen = strategy.generation();
            for (Candidate c : strategy.ask()) {
                strategy.tell(c.id(), objective.apply(c.genome()));
            }
            if (onGeneration != null) {
                onGeneration.accept(gen);
            }
        }
        return strategy.ranking();
    }
}
