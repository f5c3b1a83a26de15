package dev.autost.domain.search;

import dev.autost.domain.evaluation.ParetoFront;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * NSGA-II parent selection on two objectives, score up and energy down: whole Pareto fronts in
 * order, the last one cut by crowding distance. Stateless.
 */
final class NsgaSelection {
    private NsgaSelection() {}

    private static double energy(Trial t) {
        return t.outcome().cost().energyPj();
    }

    /** Successive fronts of {@code trials}, each best first. */
    static List<List<Trial>> fronts(List<Trial> trials) {
        return ParetoFront.fronts(trials, Trial::score, NsgaSelection::energy, Trial.BEST_FIRST);
    }

    /** Whether {@code a} dominates {@code b} (score up, energy down). */
    static boolean dominates(Trial a, Trial b) {
        return ParetoFront.dominates(a, b, Trial::score, NsgaSelection::energy);
    }

    /**
     * NSGA-II selection: whole fronts in order, the last one cut by crowding distance
     * (boundary trials first), ties by ask order.
     */
    static List<Trial> select(List<Trial> trials, int k) {
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
