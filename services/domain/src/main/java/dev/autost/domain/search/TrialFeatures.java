package dev.autost.domain.search;

import dev.autost.domain.genome.Genome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a surrogate of trained accuracy sees of a candidate: its shape (depth, width, mean MLP
 * ratio, mean heads), its cost (log parameters, log FLOPs) and, where every candidate of the pool
 * was probed, its training-free proxies (SAHD, NASWOT): the proxies warm-start the model, which
 * learns from the first results how much to trust them. Each feature is standardised over the
 * pool (zero mean, unit spread; a constant feature is 0). Stateless.
 */
public final class TrialFeatures {
    private TrialFeatures() {}

    /** Features by genome hash, in the pool's order. */
    public static Map<String, double[]> of(List<Trial> pool) {
        boolean probed = !pool.isEmpty()
                && pool.stream()
                        .allMatch(t -> t.outcome().probes().containsKey(Objective.SAHD)
                                && t.outcome().probes().containsKey(Objective.NASWOT));
        List<double[]> raw = new ArrayList<>(pool.size());
        for (Trial t : pool) {
            Genome g = t.candidate().genome();
            List<Double> row = new ArrayList<>(List.of(
                    (double) g.depth(),
                    (double) g.embedDim(),
                    g.mlpRatios().stream()
                            .mapToDouble(Double::doubleValue)
                            .average()
                            .orElse(0),
                    g.numHeads().stream()
                            .mapToDouble(Integer::doubleValue)
                            .average()
                            .orElse(0),
                    Math.log(Math.max(1, t.outcome().cost().params())),
                    Math.log(Math.max(1, t.outcome().cost().flopsSyops()))));
            if (probed) {
                row.add(t.outcome().probes().get(Objective.SAHD));
                row.add(t.outcome().probes().get(Objective.NASWOT));
            }
            raw.add(row.stream().mapToDouble(Double::doubleValue).toArray());
        }
        standardise(raw);
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int i = 0; i < pool.size(); i++) {
            out.putIfAbsent(pool.get(i).candidate().genome().hash(), raw.get(i));
        }
        return out;
    }

    private static void standardise(List<double[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        int d = rows.get(0).length;
        for (int j = 0; j < d; j++) {
            double mean = 0;
            for (double[] r : rows) {
                mean += r[j];
            }
            mean /= rows.size();
            double var = 0;
            for (double[] r : rows) {
                var += (r[j] - mean) * (r[j] - mean);
            }
            double sd = Math.sqrt(var / rows.size());
            for (double[] r : rows) {
                r[j] = sd > 1e-12 && Double.isFinite(r[j]) ? (r[j] - mean) / sd : 0;
            }
        }
    }
}
