package dev.autost.domain.evaluation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Pareto fronts on two objectives: one to maximise ({@code up}: accuracy or score), one to
 * minimise ({@code down}: energy or params). An item dominates another when it is no worse on
 * both and better on one. Used by the evaluator and the API (the front) and by the NSGA-II
 * search (all fronts in order). Stateless.
 */
public final class ParetoFront {
    private ParetoFront() {}

    /** Whether {@code a} dominates {@code b}. */
    public static <T> boolean dominates(T a, T b, ToDoubleFunction<T> up, ToDoubleFunction<T> down) {
        double ua = up.applyAsDouble(a);
        double ub = up.applyAsDouble(b);
        double da = down.applyAsDouble(a);
        double db = down.applyAsDouble(b);
        return ua >= ub && da <= db && (ua > ub || da < db);
    }

    /** The non-dominated items, best on the maximised objective first. O(n log n). */
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

    /**
     * Non-dominated sorting: successive fronts (front 0 is the Pareto front), each in
     * {@code order}. O(n^2), ample for the ~1e3 trials of a search.
     */
    public static <T> List<List<T>> fronts(
            List<T> items, ToDoubleFunction<T> up, ToDoubleFunction<T> down, Comparator<T> order) {
        int n = items.size();
        int[] dominatedBy = new int[n];
        List<List<Integer>> dominates = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            dominates.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (dominates(items.get(i), items.get(j), up, down)) {
                    dominates.get(i).add(j);
                    dominatedBy[j]++;
                } else if (dominates(items.get(j), items.get(i), up, down)) {
                    dominates.get(j).add(i);
                    dominatedBy[i]++;
                }
            }
        }
        List<List<T>> fronts = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (dominatedBy[i] == 0) {
                current.add(i);
            }
        }
        while (!current.isEmpty()) {
            List<T> front = new ArrayList<>();
            List<Integer> next = new ArrayList<>();
            for (int i : current) {
                front.add(items.get(i));
                for (int j : dominates.get(i)) {
                    if (--dominatedBy[j] == 0) {
                        next.add(j);
                    }
                }
            }
            front.sort(order);
            fronts.add(front);
            current = next;
        }
        return fronts;
    }
}
