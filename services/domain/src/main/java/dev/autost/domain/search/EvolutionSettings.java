package dev.autost.domain.search;

/**
 * Parameters of the AutoFormer/AutoST evolution (reference §5); the defaults are the
 * official ones. Immutable; {@link Builder#build()} refuses bad values naming the field.
 *
 * @param population        candidates per generation (50)
 * @param generations       bred generations after the random initial one (20): at most
 *                          {@code population * (generations + 1)} candidates are scored
 * @param parents           top-k kept as parents (10)
 * @param mutations         mutants per generation (25)
 * @param crossovers        crossovers per generation (25)
 * @param geneMutationProb  per-layer probability to resample r and h (0.2)
 * @param depthResampleProb probability to resample depth (0.4); also used for D and T
 * @param mutationAttempts  tries to find the mutants (250)
 * @param crossoverAttempts tries to find the crossovers (250)
 * @param parentPairAttempts tries to find two parents of equal depth (50)
 * @param randomAttempts    tries to fill a generation with random candidates
 * @param seed              the only source of randomness
 */
public record EvolutionSettings(
        int population,
        int generations,
        int parents,
        int mutations,
        int crossovers,
        double geneMutationProb,
        double depthResampleProb,
        int mutationAttempts,
        int crossoverAttempts,
        int parentPairAttempts,
        int randomAttempts,
        long seed) {

    public EvolutionSettings {
        positive("population", population);
        nonNegative("generations", generations);
        positive("parents", parents);
        nonNegative("mutations", mutations);
        nonNegative("crossovers", crossovers);
        if (mutations + crossovers > population) {
            throw new IllegalArgumentException("mutations (" + mutations + ") + crossovers (" + crossovers
                    + ") must not exceed population (" + population + ")");
        }
        probability("gene_mutation_prob", geneMutationProb);
        probability("depth_resample_prob", depthResampleProb);
        nonNegative("mutation_attempts", mutationAttempts);
        nonNegative("crossover_attempts", crossoverAttempts);
        positive("parent_pair_attempts", parentPairAttempts);
        positive("random_attempts", randomAttempts);
    }

    /** The official settings with the given seed. */
    public static EvolutionSettings defaults(long seed) {
        return builder().seed(seed).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Most candidates the search will score. */
    public long maxCandidates() {
        return (long) population * (generations + 1);
    }

    private static void positive(String field, long v) {
        if (v < 1) {
            throw new IllegalArgumentException(field + " must be at least 1, got " + v);
        }
    }

    private static void nonNegative(String field, long v) {
        if (v < 0) {
            throw new IllegalArgumentException(field + " must not be negative, got " + v);
        }
    }

    private static void probability(String field, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(field + " must be in [0, 1], got " + p);
        }
    }

    /** Builder with the official defaults. */
    public static final class Builder {
        private int population = 50;
        private int generations = 20;
        private int parents = 10;
        private int mutations = 25;
        private int crossovers = 25;
        private double geneMutationProb = 0.2;
        private double depthResampleProb = 0.4;
        private int mutationAttempts = 250;
        private int crossoverAttempts = 250;
        private int parentPairAttempts = 50;
        private int randomAttempts = 1_000_000;
        private long seed = 0;

        public Builder population(int v) {
            population = v;
            return this;
        }

        public Builder generations(int v) {
            generations = v;
            return this;
        }

        public Builder parents(int v) {
            parents = v;
            return this;
        }

        public Builder mutations(int v) {
            mutations = v;
            return this;
        }

        public Builder crossovers(int v) {
            crossovers = v;
            return this;
        }

        public Builder geneMutationProb(double v) {
            geneMutationProb = v;
            return this;
        }

        public Builder depthResampleProb(double v) {
            depthResampleProb = v;
            return this;
        }

        public Builder mutationAttempts(int v) {
            mutationAttempts = v;
            return this;
        }

        public Builder crossoverAttempts(int v) {
            crossoverAttempts = v;
            return this;
        }

        public Builder parentPairAttempts(int v) {
            parentPairAttempts = v;
            return this;
        }

        public Builder randomAttempts(int v) {
            randomAttempts = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /**
         * Scales mutations and crossovers with the population when only the population
         * was changed, keeping the official half-and-half split.
         */
        public Builder populationWithOfficialSplit(int v) {
            population = v;
            mutations = v / 2;
            crossovers = v / 2;
            return this;
        }

        public EvolutionSettings build() {
            return new EvolutionSettings(
                    population,
                    generations,
                    parents,
                    mutations,
                    crossovers,
                    geneMutationProb,
                    depthResampleProb,
                    mutationAttempts,
                    crossoverAttempts,
                    parentPairAttempts,
                    randomAttempts,
                    seed);
        }
    }
}
