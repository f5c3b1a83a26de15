package dev.autost.domain.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Non-dominated sorting on two objectives: score (higher is better) and energy (lower
 * is better). Trial A dominates B when it is no worse on both and better on one.
 * Stateless; O(n^2), which is ample for the ~1e3 trials of a search.
 */
public final class ParetoFront {
    private ParetoFront() {}

    static boolean dominates(Trial a, Trial b) {
        double sa = a.score();
        double sb = b.score();
        double ea = a.outcome().cost().energyPj();
        double eb = b.outcome().cost().energyPj();
        return sa >= sb && ea <= eb && (sa > sb || ea < eb);
    }

    /** The non-dominated trials, highest score first. */
    public static List<Trial> of(List<Trial> trials) {
        return fronts(trials).isEmpty() ? List.of() : fronts(trials).get(0);
    }

    /** Successive fronts (front 0 is the Pareto front), each highest score first. */
    public static List<List<Trial>> fronts(List<Trial> trials) {
        int n = trials.size();
        int[] dominatedBy = new int[n];
        List<List<Integer>> dominates = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            dominates.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (dominates(trials.get(i), trials.get(j))) {
                    dominates.get(i).add(j);
                    dominatedBy[j]++;
                } else if (dominates(trials.get(j), trials.get(i))) {
                    dominates.get(j).add(i);
                    dominatedBy[i]++;
                }
            }
        }
        List<List<Trial>> fronts = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (dominatedBy[i] == 0) {
                current.add(i);
            }
        }
        while (!current.isEmpty()) {
            List<Trial> front = new ArrayList<>();
            List<Integer> next = new ArrayList<>();
            for (int i : current) {
                front.add(trials.get(i));
                for (int j : dominates.get(i)) {
                    if (--dominatedBy[j] == 0) {
                        next.add(j);
                    }
                }
            }
            front.sort(Trial.BEST_FIRST);
            fronts.add(front);
            current = next;
        }
        return fronts;
    }

    /**
     * NSGA-II selection: whole fronts in order, the last one cut by crowding distance
     * (boundary trials first), ties by ask order.
     */
    public static List<Trial> select(List<Trial> trials, int k) {
        List<Trial> out = new ArrayList<>(k);
        for (List<Trial> front : fronts(trials)) {
            if (out.size() + front.size() <= k) {
                out.addAll(front);
                continue;
            }
            double[] crowd = crowding(front);
            Integer[] idx = new Integer[front.size()];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = i;
            }
            Arrays.sort(
                    idx,
                    Comparator.comparingDouble((Integer i) -> -crowd[i])
                            .thenComparingLong(i -> front.get(i).candidate().id()));
            for (int i = 0; out.size() < k; i++) {
                out.add(front.get(idx[i]));
            }
            break;
        }
        return out;
    }

    /** Crowding distance of each trial in a front sorted by score (descending). */
    static double[] crowding(List<Trial> front) {
        int n = front.size();
        double[] d = new double[n];
        if (n <= 2) {
            Arrays.fill(d, Double.POSITIVE_INFINITY);
            return d;
        }
        // Along a 2-objective front sorted by score, energy is sorted too: one pass per objective.
        double sRange = front.get(0).score() - front.get(n - 1).score();
        double eRange = Math.abs(front.get(0).outcome().cost().energyPj()
                - front.get(n - 1).outcome().cost().energyPj());
        d[0] = Double.POSITIVE_INFINITY;
        d[n - 1] = Double.POSITIVE_INFINITY;
        for (int i = 1; i < n - 1; i++) {
            double ds = sRange == 0
                    ? 0
                    : (front.get(i - 1).score() - front.get(i + 1).score()) / sRange;
            double de = eRange == 0
                    ? 0
                    : Math.abs(front.get(i - 1).outcome().cost().energyPj()
                                    - front.get(i + 1).outcome().cost().energyPj())
                            / eRange;
            d[i] = ds + de;
        }
        return d;
    }
}
