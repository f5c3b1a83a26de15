package dev.autost.evaluator.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The Pareto front of items on two objectives: one to maximise (accuracy or score), one to
 * minimise (energy or params). An item is on the front when no other item is at least as good on
 * both and better on one. Stateless.
 */
public final class Pareto {
    private Pareto() {}

    /** The non-dominated items, best on the maximised objective first. */
    public static <T> List<T> front(List<T> items, ToDoubleFunction<T> up, ToDoubleFunction<T> down) {
        // Sort by up descending, then down ascending; a sweep keeps every item whose down beats all before it.
        List<T> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparingDouble((T t) -> -up.applyAsDouble(t)).thenComparingDouble(down));
        List<T> front = new ArrayList<>();
        double bestDown = Double.POSITIVE_INFINITY;
        double lastUp = Double.NaN;
        for (T t : sorted) {
            double d = down.applyAsDouble(t);
            double u = up.applyAsDouble(t);
            if (d < bestDown) {
                front.add(t);
                bestDown = d;
                lastUp = u;
            } else if (d == bestDown && u == lastUp) {
                front.add(t); // an exact duplicate point is not dominated either
            }
        }
        return front;
    }
}
