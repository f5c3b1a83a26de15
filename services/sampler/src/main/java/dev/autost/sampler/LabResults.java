package dev.autost.sampler;

import dev.autost.messaging.codec.TrainMessages;
import dev.autost.proto.v1.TrainResult;
import java.util.HashMap;
import java.util.Map;

/**
 * Every successful train result this sampler has read, of any experiment, by recipe
 * ({@code recipe_key}: dataset, limits, backbone, T and the whole recipe, epochs included): what
 * an experiment with {@code warm_start: lab} starts its surrogate from. Holds at most {@link #MAX}
 * results (a genome hash and an accuracy each); beyond that new ones are not kept.
 * Not thread-safe: the sampler's loop owns it.
 */
final class LabResults {
    static final int MAX = 200_000;

    private final Map<String, Map<String, Double>> byRecipe = new HashMap<>();
    private int size;

    void add(TrainResult r) {
        if (!TrainMessages.succeeded(r) || r.getRecipeKey().isEmpty() || size >= MAX) {
            return;
        }
        if (byRecipe.computeIfAbsent(r.getRecipeKey(), k -> new HashMap<>()).put(r.getGenomeHash(), r.getTestAccuracy())
                == null) {
            size++;
        }
    }

    /** Final accuracies by genome hash of the results trained with {@code recipeKey}. */
    Map<String, Double> of(String recipeKey) {
        return byRecipe.getOrDefault(recipeKey, Map.of());
    }
}
