package dev.autost.domain.search;

import java.util.List;

/**
 * Multi-objective variant: the same breeding as {@link EvolutionSearch} under the same
 * constraints, but parents are chosen by non-dominated sorting on (score up, energy
 * down) with crowding distance (NSGA-II), and the answer is the Pareto front.
 */
public final class ParetoEvolutionSearch extends EvolutionSearch {

    public ParetoEvolutionSearch(Feasibility feasibility, EvolutionSettings settings) {
        super(feasibility, settings);
    }

    @Override
    protected List<Trial> selectParents(List<Trial> history, int k) {
        return NsgaSelection.select(history, k);
    }

    /** Non-dominated trials so far, highest score first. */
    public List<Trial> paretoFront() {
        return paretoFront(ranking());
    }

    /** The non-dominated trials of {@code trials} (score up, energy down), highest score first. */
    public static List<Trial> paretoFront(List<Trial> trials) {
        return NsgaSelection.fronts(trials).stream().findFirst().orElse(List.of());
    }
}
