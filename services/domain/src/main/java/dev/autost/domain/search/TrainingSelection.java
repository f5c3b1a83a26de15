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
        return positions(ranking, k).stream().map(ranking::get).toList();
    }

    /**
     * Where in {@code ranking} (0 = best) the picks of {@link #pick} stand, ascending: a trained
     * candidate's rank is its position + 1.
     */
    public List<Integer> positions(List<Trial> ranking, int k) {
        Objects.requireNonNull(ranking, "ranking");
        int n = Math.min(Math.max(k, 0), ranking.size());
        if (this == TOP_K || n == ranking.size()) {
            return java.util.stream.IntStream.range(0, n).boxed().toList();
        }
        List<Integer> picked = new ArrayList<>(n);
        List<Integer> skipped = new ArrayList<>();
        Set<List<Object>> shapes = new HashSet<>();
        for (int i = 0; i < ranking.size() && picked.size() < n; i++) {
            if (shapes.add(shape(ranking.get(i).candidate().genome()))) {
                picked.add(i);
            } else if (skipped.size() < n) {
                skipped.add(i);
            }
        }
        for (int i = 0; picked.size() < n && i < skipped.size(); i++) {
            picked.add(skipped.get(i));
        }
        picked.sort(null);
        return List.copyOf(picked);
    }

    /** (D, depth, sorted MLP ratios): what makes two genomes different networks to train. */
    static List<Object> shape(Genome g) {
        List<Double> ratios = new ArrayList<>(g.mlpRatios());
        ratios.sort(null);
        return List.of(g.embedDim(), g.depth(), ratios);
    }
}
