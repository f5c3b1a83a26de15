package dev.autost.domain.search;

import dev.autost.domain.genome.Genome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Which of a finished search's ranked trials are trained. The training-free score of the paper
 * (FLOPs) does not see attention heads at all, so a plain top-k is often k copies of one network
 * with different head counts (the study's run A: all four FLOPs picks were the same depth-4,
 * D = 64 shape); training them tells little that one of them would not.
 */
public enum TrainingSelection {
    /** The k best trials, whatever they are: the paper's rule. */
    TOP_K,
    /**
     * The best trial of each shape in rank order, a shape being (embedding width, depth, the
     * sorted MLP ratios): head counts and the order of the ratios do not make another network
     * worth training. If the ranking holds fewer than k shapes, the best skipped trials fill up.
     */
    DISTINCT_SHAPES;

    /** The selection of new experiments. */
    public static final TrainingSelection DEFAULT = DISTINCT_SHAPES;

    /** The spec's name of this selection: {@code top-k} or {@code distinct-shapes}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * @param id {@code top-k} or {@code distinct-shapes}; empty means {@link #DEFAULT}
     * @throws IllegalArgumentException naming the accepted values
     */
    public static TrainingSelection parse(String id) {
        if (id == null || id.isEmpty()) {
            return DEFAULT;
        }
        for (TrainingSelection s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("train selection '" + id + "' is not one of top-k, distinct-shapes");
    }

    /** Up to {@code k} trials of {@code ranking} (best first), in rank order. */
    public List<Trial> pick(List<Trial> ranking, int k) {
        Objects.requireNonNull(ranking, "ranking");
        if (k <= 0) {
            return List.of();
        }
        if (this == TOP_K) {
            return List.copyOf(ranking.subList(0, Math.min(k, ranking.size())));
        }
        List<Trial> picked = new ArrayList<>(k);
        List<Trial> skipped = new ArrayList<>();
        Set<List<Object>> shapes = new HashSet<>();
        for (Trial t : ranking) {
            if (picked.size() == k) {
                break;
            }
            if (shapes.add(shape(t.candidate().genome()))) {
                picked.add(t);
            } else if (skipped.size() < k) {
                skipped.add(t);
            }
        }
        for (int i = 0; picked.size() < k && i < skipped.size(); i++) {
            picked.add(skipped.get(i));
        }
        picked.sort(java.util.Comparator.comparingInt(ranking::indexOf));
        return List.copyOf(picked);
    }

    /** (D, depth, sorted MLP ratios): what makes two genomes different networks to train. */
    static List<Object> shape(Genome g) {
        List<Double> ratios = new ArrayList<>(g.mlpRatios());
        ratios.sort(null);
        return List.of(g.embedDim(), g.depth(), ratios);
    }
}
