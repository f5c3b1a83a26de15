package dev.autost.domain.evaluation;

import java.util.Comparator;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The one ranking of AutoST: higher score first, ties by ask order (the earlier candidate
 * first), as the original search sorts. Search trials, scores on the wire and leaderboards all
 * rank with it.
 */
public final class Ranking {
    private Ranking() {}

    /** Best first: {@code score} descending, then {@code sequence} ascending. */
    public static <T> Comparator<T> bestFirst(ToDoubleFunction<T> score, ToLongFunction<T> sequence) {
        return Comparator.comparingDouble((T t) -> -score.applyAsDouble(t)).thenComparingLong(sequence);
    }
}
