package dev.autost.domain.search;

import dev.autost.domain.genome.Genome;
import dev.autost.domain.space.SearchSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * AutoST's search: AutoFormer's evolution under a parameter budget (reference §5).
 *
 * <p>Generation 0 is random. Every later generation takes the top {@code parents}
 * trials seen so far, adds up to {@code mutations} mutants and {@code crossovers}
 * crossovers (each from a bounded number of attempts; unseen and feasible only), and
 * fills up to {@code population} with random candidates. The search ends after
 * {@code generations} bred generations, so at most {@code population * (generations + 1)}
 * candidates are scored (1 050 by default).
 *
 * <p>Differences from the Python original, all deliberate: randomness comes from a
 * seeded {@link java.util.SplittableRandom}, not Python's global generator; a crossover
 * whose parents still differ in depth after the allowed retries counts as a failed
 * attempt (the original zips them and emits a malformed tuple); T mutates like D when
 * the space searches it; the random refill gives up with a clear error instead of
 * looping forever when the window admits too few genomes.
 */
public class EvolutionSearch extends GenerationalSearch {
    protected final EvolutionSettings settings;

    public EvolutionSearch(Feasibility feasibility, EvolutionSettings settings) {
        super(feasibility, settings.seed(), settings.randomAttempts());
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public EvolutionSettings settings() {
        return settings;
    }

    @Override
    protected List<Genome> breed(int index, List<Trial> history) {
        if (index > settings.generations()) {
            return List.of();
        }
        List<Genome> out = new ArrayList<>(settings.population());
        if (index > 0) {
            List<Genome> parents = selectParents(history, settings.parents()).stream()
                    .map(t -> t.candidate().genome())
                    .toList();
            if (!parents.isEmpty()) {
                addMutants(parents, out);
                addCrossovers(parents, out);
            }
        }
        fillRandom(out, settings.population());
        return out;
    }

    /** The trials that may parent the next generation, best first. */
    protected List<Trial> selectParents(List<Trial> history, int k) {
        return history.stream().sorted(Trial.BEST_FIRST).limit(k).toList();
    }

    private void addMutants(List<Genome> parents, List<Genome> out) {
        int found = 0;
        for (int attempt = 0; attempt < settings.mutationAttempts() && found < settings.mutations(); attempt++) {
            Genome g = mutate(SearchSpace.pick(parents, rng));
            if (accept(g)) {
                out.add(g);
                found++;
            }
        }
    }

    /** One mutant of {@code parent}, in AutoFormer's order of random draws. */
    Genome mutate(Genome parent) {
        int depth = parent.depth();
        List<Double> ratios = new ArrayList<>(parent.mlpRatios());
        List<Integer> heads = new ArrayList<>(parent.numHeads());
        if (rng.nextDouble() < settings.depthResampleProb()) {
            int newDepth = SearchSpace.pick(space.depths(), rng);
            if (newDepth > depth) {
                for (int i = depth; i < newDepth; i++) {
                    ratios.add(SearchSpace.pick(space.mlpRatios(), rng));
                }
                for (int i = depth; i < newDepth; i++) {
                    heads.add(SearchSpace.pick(space.numHeads(), rng));
                }
            } else {
                ratios = new ArrayList<>(ratios.subList(0, newDepth));
                heads = new ArrayList<>(heads.subList(0, newDepth));
            }
            depth = newDepth;
        }
        for (int i = 0; i < depth; i++) {
            if (rng.nextDouble() < settings.geneMutationProb()) {
                ratios.set(i, SearchSpace.pick(space.mlpRatios(), rng));
            }
        }
        for (int i = 0; i < depth; i++) {
            if (rng.nextDouble() < settings.geneMutationProb()) {
                heads.set(i, SearchSpace.pick(space.numHeads(), rng));
            }
        }
        int embed = parent.embedDim();
        if (rng.nextDouble() < settings.depthResampleProb()) {
            embed = SearchSpace.pick(space.embedDims(), rng);
        }
        int t = parent.timeSteps();
        if (space.searchesTimeSteps() && rng.nextDouble() < settings.depthResampleProb()) {
            t = SearchSpace.pick(space.timeSteps(), rng);
        }
        return new Genome(depth, ratios, heads, embed, t);
    }

    private void addCrossovers(List<Genome> parents, List<Genome> out) {
        int found = 0;
        for (int attempt = 0; attempt < settings.crossoverAttempts() && found < settings.crossovers(); attempt++) {
            Genome g = crossover(parents);
            if (g != null && accept(g)) {
                out.add(g);
                found++;
            }
        }
    }

    /** Uniform crossover of two parents of equal depth, or null if none were found. */
    Genome crossover(List<Genome> parents) {
        Genome p1 = SearchSpace.pick(parents, rng);
        Genome p2 = SearchSpace.pick(parents, rng);
        for (int i = 0; i < settings.parentPairAttempts() && p1.depth() != p2.depth(); i++) {
            p1 = SearchSpace.pick(parents, rng);
            p2 = SearchSpace.pick(parents, rng);
        }
        if (p1.depth() != p2.depth()) {
            return null;
        }
        int depth = p1.depth();
        List<Double> ratios = new ArrayList<>(depth);
        List<Integer> heads = new ArrayList<>(depth);
        for (int i = 0; i < depth; i++) {
            ratios.add((rng.nextBoolean() ? p1 : p2).mlpRatios().get(i));
        }
        for (int i = 0; i < depth; i++) {
            heads.add((rng.nextBoolean() ? p1 : p2).numHeads().get(i));
        }
        int embed = (rng.nextBoolean() ? p1 : p2).embedDim();
        int t = (rng.nextBoolean() ? p1 : p2).timeSteps();
        return new Genome(depth, ratios, heads, embed, t);
    }
}
