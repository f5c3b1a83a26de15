package dev.autost.domain.search;

import dev.autost.domain.genome.Genome;
import java.util.ArrayList;
import java.util.List;

/**
 * The baseline: every generation is {@code population} uniformly random, feasible,
 * unseen genomes; the same number of generations and candidates as the evolution, so
 * the two compare at equal budget.
 */
public final class RandomSearch extends GenerationalSearch {
    private final EvolutionSettings settings;

    public RandomSearch(Feasibility feasibility, EvolutionSettings settings) {
        super(feasibility, settings.seed(), settings.randomAttempts());
        this.settings = settings;
    }

    @Override
    protected List<Genome> breed(int index, List<Trial> history) {
        if (index > settings.generations()) {
            return List.of();
        }
        List<Genome> out = new ArrayList<>(settings.population());
        fillRandom(out, settings.population());
        return out;
    }
}
