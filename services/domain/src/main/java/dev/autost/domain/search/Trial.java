package dev.autost.domain.search;

import dev.autost.domain.evaluation.Ranking;
import java.util.Comparator;
import java.util.Objects;

/**
 * A candidate with its outcome; immutable once {@link SearchStrategy#tell} returns it.
 */
public record Trial(Candidate candidate, Outcome outcome) {
    /**
     * Best score first; equal scores keep ask order. The tie-break matters: heads never
     * change the FLOPs score, so ties are common, and ask order is the same whatever
     * order the tells arrive in.
     */
    public static final Comparator<Trial> BEST_FIRST =
            Ranking.bestFirst(Trial::score, t -> t.candidate().id());

    public Trial {
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(outcome, "outcome");
    }

    public double score() {
        return outcome.score();
    }
}
