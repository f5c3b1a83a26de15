package dev.autost.domain.search;

import dev.autost.domain.genome.Genome;
import dev.autost.domain.space.SearchSpace;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Ask/tell bookkeeping shared by every generational strategy: hands out one generation
 * at a time, collects tells in any order, and breeds the next generation when the last
 * one arrives. Subclasses only say how a generation is bred.
 *
 * <p>Not thread-safe; deterministic for a given seed because breeding sees the history
 * in ask order, never in tell order.
 */
public abstract class GenerationalSearch implements SearchStrategy {
    protected final SearchSpace space;
    protected final Feasibility feasibility;
    protected final RandomGenerator rng;
    private final int randomAttempts;

    private final Set<Genome> seen = new HashSet<>();
    private final Map<Long, Candidate> asked = new HashMap<>();
    private final Map<Long, Trial> trials = new HashMap<>();
    /** Told trials in ask order (id order), for breeding. */
    private final List<Trial> history = new ArrayList<>();

    private List<Candidate> current = List.of();
    private int handedOut;
    private int toldInGeneration;
    private int generation = -1;
    private long nextId;
    private boolean finished;

    protected GenerationalSearch(Feasibility feasibility, long seed, int randomAttempts) {
        this.feasibility = Objects.requireNonNull(feasibility, "feasibility");
        this.space = feasibility.space();
        this.rng = new SplittableRandom(seed);
        this.randomAttempts = randomAttempts;
    }

    /**
     * Breeds generation {@code index}; an empty list ends the search. {@code history}
     * holds every told trial in ask order. Use {@link #accept} for each new genome.
     */
    protected abstract List<Genome> breed(int index, List<Trial> history);

    /**
     * Admits {@code g} into the generation being bred if it was never seen and is
     * feasible (AutoFormer's {@code is_legal}); a refused infeasible genome is not
     * remembered, as in the original.
     */
    protected final boolean accept(Genome g) {
        if (seen.contains(g) || !feasibility.admits(g)) {
            return false;
        }
        seen.add(g);
        return true;
    }

    /** Adds random feasible unseen genomes to {@code out} until it holds {@code target}. */
    protected final void fillRandom(List<Genome> out, int target) {
        int attempts = 0;
        while (out.size() < target) {
            if (attempts++ >= randomAttempts) {
                throw new SearchExhaustedException("found only " + out.size() + " of " + target
                        + " feasible unseen candidates after " + randomAttempts + " random draws in space "
                        + space.name() + " with constraints " + space.constraints()
                        + "; widen the parameter window or the space");
            }
            Genome g = space.sample(rng);
            if (accept(g)) {
                out.add(g);
            }
        }
    }

    @Override
    public final List<Candidate> ask(int max) {
        if (generation < 0) {
            advance();
        }
        if (finished || max <= 0) {
            return List.of();
        }
        int end = (int) Math.min(current.size(), (long) handedOut + max);
        List<Candidate> out = current.subList(handedOut, end);
        handedOut = end;
        return List.copyOf(out);
    }

    @Override
    public final Trial tell(long candidateId, Outcome outcome) {
        Objects.requireNonNull(outcome, "outcome");
        Trial existing = trials.get(candidateId);
        if (existing != null) {
            if (Double.compare(existing.score(), outcome.score()) != 0) {
                throw new ConflictingOutcomeException(candidateId, existing.score(), outcome.score());
            }
            return existing;
        }
        Candidate c = asked.get(candidateId);
        if (c == null) {
            throw new UnknownCandidateException(candidateId);
        }
        Trial t = new Trial(c, outcome);
        trials.put(candidateId, t);
        toldInGeneration++;
        if (toldInGeneration == current.size()) {
            List<Trial> gen = new ArrayList<>(current.size());
            for (Candidate cc : current) {
                gen.add(trials.get(cc.id()));
            }
            history.addAll(gen);
            advance();
        }
        return t;
    }

    private void advance() {
        List<Genome> genomes;
        try {
            genomes = breed(generation + 1, Collections.unmodifiableList(history));
        } catch (SearchExhaustedException e) {
            if (generation < 0) {
                throw e; // not even a first generation: the caller refuses the search
            }
            // A space smaller than the search: every feasible member it can reach was seen. The
            // search has seen all it can, and ends instead of waiting for a generation.
            endedEarly = e.getMessage();
            genomes = List.of();
        }
        if (genomes.isEmpty()) {
            // The last generation stays the current index: generation() never exceeds what was bred.
            finished = true;
            current = List.of();
            generation = Math.max(generation, 0);
            return;
        }
        generation++;
        List<Candidate> next = new ArrayList<>(genomes.size());
        for (Genome g : genomes) {
            Candidate c = new Candidate(nextId++, generation, g);
            asked.put(c.id(), c);
            next.add(c);
        }
        current = List.copyOf(next);
        handedOut = 0;
        toldInGeneration = 0;
    }

    /** Set when a later generation could not be bred (the space ran out of unseen candidates). */
    private String endedEarly;

    @Override
    public final java.util.Optional<String> endedEarly() {
        return java.util.Optional.ofNullable(endedEarly);
    }

    @Override
    public final boolean isFinished() {
        if (generation < 0) {
            advance();
        }
        return finished;
    }

    @Override
    public final int generation() {
        return Math.max(generation, 0);
    }

    @Override
    public final int told() {
        return trials.size();
    }

    @Override
    public List<Trial> ranking() {
        List<Trial> all = new ArrayList<>(trials.values());
        all.sort(Trial.BEST_FIRST);
        return all;
    }
}
