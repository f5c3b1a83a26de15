package dev.autost.api;

import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.messaging.codec.TrainMessages;
import dev.autost.proto.v1.TrainResult;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * What a leaderboard call asks for: the order ({@code by}, {@code order}) and the filters
 * ({@code trained}, {@code max_params}) of {@code GET /api/experiments/{id}/leaderboard}. Applied
 * to the experiment's ranking under its objective, which breaks every tie.
 *
 * @param by       score (the objective, default), accuracy, params, energy_pj, flops_syops or flops_full
 * @param ascending the order; by default descending, except params and energy_pj (less is better)
 * @param trainedOnly only candidates with a successful training result
 * @param maxParams only candidates with at most this many parameters (no bound when null)
 */
public record LeaderboardQuery(String by, boolean ascending, boolean trainedOnly, Long maxParams) {
    /** The columns a leaderboard sorts by. */
    public static final List<String> BY =
            List.of("score", "accuracy", "params", "energy_pj", "flops_syops", "flops_full");

    /**
     * Reads the query parameters; a value it cannot use is refused naming it and what it takes.
     *
     * @param param the parameter's value, or null when absent
     */
    public static LeaderboardQuery parse(Function<String, String> param) {
        String by = param.apply("by") == null ? "score" : param.apply("by");
        if (!BY.contains(by)) {
            throw new IllegalArgumentException("by: expected one of " + String.join(", ", BY) + ", got " + by);
        }
        String order = param.apply("order");
        boolean ascending;
        if (order == null) {
            ascending = by.equals("params") || by.equals("energy_pj");
        } else if (order.equals("asc") || order.equals("desc")) {
            ascending = order.equals("asc");
        } else {
            throw new IllegalArgumentException("order: expected asc or desc, got " + order);
        }
        String trained = param.apply("trained");
        if (trained != null && !trained.equals("true") && !trained.equals("false")) {
            throw new IllegalArgumentException("trained: expected true or false, got " + trained);
        }
        Long maxParams = null;
        String mp = param.apply("max_params");
        if (mp != null) {
            try {
                maxParams = (long) Double.parseDouble(mp.toLowerCase(Locale.ROOT));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("max_params: expected a number such as 12e6, got " + mp);
            }
        }
        return new LeaderboardQuery(by, ascending, "true".equals(trained) || by.equals("accuracy"), maxParams);
    }

    /** The rows this query keeps from {@code ranking}, in its order. */
    public List<ScoreMessages.Ranked> apply(List<ScoreMessages.Ranked> ranking, Map<String, TrainResult> results) {
        ToDoubleFunction<ScoreMessages.Ranked> key = switch (by) {
            case "accuracy" -> r -> results.get(r.score().getGenomeHash()).getTestAccuracy();
            case "params" -> r -> r.score().getParams();
            case "energy_pj" -> r -> r.score().getEnergyPj();
            case "flops_syops" -> r -> r.score().getFlopsSyops();
            case "flops_full" -> r -> r.score().getFlopsFull();
            default -> null; // the ranking's own order
        };
        var rows = ranking.stream()
                .filter(r -> !trainedOnly
                        || TrainMessages.succeeded(results.get(r.score().getGenomeHash())))
                .filter(r -> maxParams == null || r.score().getParams() <= maxParams);
        if (key == null) {
            List<ScoreMessages.Ranked> ranked = new java.util.ArrayList<>(rows.toList());
            if (ascending) {
                java.util.Collections.reverse(ranked);
            }
            return ranked;
        }
        Comparator<ScoreMessages.Ranked> c = Comparator.comparingDouble(key);
        // A stable sort: equal values keep the objective's order.
        return rows.sorted(ascending ? c : c.reversed()).toList();
    }
}
