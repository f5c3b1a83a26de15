package dev.autost.domain.search;

import java.util.List;

/**
 * A search driven from outside by ask and tell, so that the same code runs in process
 * and behind Kafka.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #ask} hands out candidates of the current generation in a fixed order;
 *       once all are out it returns an empty list until every one of them is told.</li>
 *   <li>{@link #tell} accepts outcomes in any order; when the last candidate of a
 *       generation is told, the next generation is bred. The bred generation depends
 *       only on the seed and the outcomes, never on the order of the tells.</li>
 *   <li>Telling the same candidate twice with the same score is a no-op (idempotent
 *       consumers may deliver twice); a different score is refused.</li>
 *   <li>No genome is handed out twice, and every candidate meets the constraints.</li>
 * </ul>
 * Implementations are deterministic for a given seed and not thread-safe: one caller
 * drives a search.
 */
public interface SearchStrategy {

    /** Up to {@code max} candidates still to evaluate; empty while waiting or when finished. */
    List<Candidate> ask(int max);

    /** Every remaining candidate of the current generation. */
    default List<Candidate> ask() {
        return ask(Integer.MAX_VALUE);
    }

    /**
     * Records the outcome of a candidate handed out by {@link #ask}.
     *
     * @return the completed trial
     * @throws UnknownCandidateException   if no such candidate was asked for
     * @throws ConflictingOutcomeException if it was already told a different score
     * @throws SearchExhaustedException    if the next generation cannot be filled
     */
    Trial tell(long candidateId, Outcome outcome);

    /** True once the last generation has been bred and fully told. */
    /**
     * Why the search finished before its last generation (its space had no unseen feasible
     * candidates left for another), or empty.
     */
    default java.util.Optional<String> endedEarly() {
        return java.util.Optional.empty();
    }

    boolean isFinished();

    /** Index of the generation being evaluated (0 = initial population). */
    int generation();

    /** Number of candidates told so far. */
    int told();

    /** Every told trial, best first (ties in ask order). */
    List<Trial> ranking();
}
