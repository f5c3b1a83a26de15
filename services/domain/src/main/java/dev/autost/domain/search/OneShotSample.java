package dev.autost.domain.search;

import dev.autost.domain.genome.Genome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A single generation of {@code population} feasible genomes and nothing more: the sample a
 * study trains in full. Two ways to draw it:
 * <ul>
 *   <li>{@link Spread#UNIFORM} — uniformly random feasible genomes: the random-search baseline
 *       at a fixed training budget (no score decides what is trained).</li>
 *   <li>{@link Spread#PARAMS} — spread evenly across the parameter range: the feasible range
 *       seen in {@code randomAttempts} draws is cut into {@code population} equal-width bins and
 *       one genome is taken from each, so small and large networks are equally represented
 *       (a uniform draw piles up wherever the space holds most genomes).</li>
 * </ul>
 * Deterministic for a seed; no training-free score influences which genomes are drawn.
 */
public final class OneShotSample extends GenerationalSearch {
    /** How the sample is spread. */
    public enum Spread {
        UNIFORM,
        PARAMS
    }

    private final EvolutionSettings settings;
    private final Spread spread;

    public OneShotSample(Feasibility feasibility, EvolutionSettings settings, Spread spread) {
        super(feasibility, settings.seed(), settings.randomAttempts());
        this.settings = settings;
        this.spread = Objects.requireNonNull(spread, "spread");
    }

    @Override
    protected List<Genome> breed(int index, List<Trial> history) {
        if (index > 0) {
            return List.of();
        }
        List<Genome> out = new ArrayList<>(settings.population());
        if (spread == Spread.UNIFORM) {
            fillRandom(out, settings.population());
            return out;
        }
        return spreadOverParams(settings.population());
    }

    private List<Genome> spreadOverParams(int n) {
        // Draw a pool (feasible, distinct), then pick one per equal-width params bin.
        List<Genome> pool = new ArrayList<>();
        int draws = Math.max(settings.randomAttempts(), 50 * n);
        java.util.Set<Genome> inPool = new java.util.HashSet<>();
        for (int i = 0; i < draws; i++) {
            Genome g = space.sample(rng);
            if (!inPool.contains(g) && feasibility.admits(g)) {
                inPool.add(g);
                pool.add(g);
            }
        }
        if (pool.size() < n) {
            throw new SearchExhaustedException("found only " + pool.size() + " of " + n
                    + " feasible distinct candidates after "
                    + draws + " random draws in space " + space.name() + " with constraints " + space.constraints()
                    + "; widen the parameter window or ask for fewer");
        }
        pool.sort(Comparator.comparingLong((Genome g) -> feasibility.costModel().params(g))
                .thenComparing(Genome::hash));
        double lo = feasibility.costModel().params(pool.get(0));
        double hi = feasibility.costModel().params(pool.get(pool.size() - 1));
        List<List<Genome>> bins = new ArrayList<>(n);
        for (int b = 0; b < n; b++) {
            bins.add(new ArrayList<>());
        }
        for (Genome g : pool) {
            double p = feasibility.costModel().params(g);
            int b = hi == lo ? 0 : (int) Math.min(n - 1, Math.floor((p - lo) / (hi - lo) * n));
            bins.get(b).add(g);
        }
        List<Genome> picked = new ArrayList<>(n);
        List<Genome> leftovers = new ArrayList<>();
        for (List<Genome> bin : bins) {
            if (!bin.isEmpty()) {
                Genome g = bin.get(rng.nextInt(bin.size()));
                picked.add(g);
                bin.stream().filter(x -> x != g).forEach(leftovers::add);
            }
        }
        // Empty bins (gaps in the range): fill with leftovers spread over their params order.
        int missing = n - picked.size();
        for (int i = 0; i < missing; i++) {
            picked.add(leftovers.get((int) ((i + 0.5) * leftovers.size() / missing)));
        }
        List<Genome> out = new ArrayList<>(n);
        for (Genome g : picked) {
            if (accept(g)) {
                out.add(g);
            }
        }
        return out;
    }
}
