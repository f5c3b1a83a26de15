package dev.autost.domain.search;

import dev.autost.domain.genome.Genome;
import java.util.Objects;

/**
 * A genome handed out by {@link SearchStrategy#ask}, waiting for its outcome.
 *
 * @param id         position in the strategy's ask order, from 0; unique per search
 * @param generation generation that bred it (0 = initial population)
 * @param genome     the architecture
 */
public record Candidate(long id, int generation, Genome genome) {
    public Candidate {
        Objects.requireNonNull(genome, "genome");
        if (id < 0 || generation < 0) {
            throw new IllegalArgumentException("id and generation must be non-negative");
        }
    }
}
