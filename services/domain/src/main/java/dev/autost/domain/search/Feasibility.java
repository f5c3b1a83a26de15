package dev.autost.domain.search;

import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.genome.InvalidGenomeException;
import dev.autost.domain.space.Constraints;
import dev.autost.domain.space.SearchSpace;
import java.util.Objects;

/**
 * Decides whether a genome may be proposed at all: it must lie in the space and meet
 * the space's constraints. Closed form, so it runs before anything is published.
 * Thread-safe.
 */
public final class Feasibility {
    private final SearchSpace space;
    private final CostModel costModel;
    private final Constraints constraints;

    public Feasibility(SearchSpace space, CostModel costModel) {
        this.space = Objects.requireNonNull(space, "space");
        this.costModel = Objects.requireNonNull(costModel, "costModel");
        this.constraints = space.constraints();
    }

    /** Feasibility for a space with the default cost model of its setting. */
    public static Feasibility of(SearchSpace space) {
        return new Feasibility(space, new CostModel(space.modelSetting()));
    }

    public SearchSpace space() {
        return space;
    }

    public CostModel costModel() {
        return costModel;
    }

    /** True when {@code g} meets every constraint; genomes that cannot be built are infeasible. */
    public boolean admits(Genome g) {
        try {
            if (constraints.paramsOnly()) {
                return constraints.params().contains(costModel.params(g));
            }
            return constraints.admits(costModel.estimate(g));
        } catch (InvalidGenomeException | ArithmeticException e) {
            return false;
        }
    }
}
