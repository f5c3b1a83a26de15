package dev.autost.api;

import dev.autost.domain.genome.Genome;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.proto.v1.MetricCorrelation;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.Score;
import dev.autost.proto.v1.TrainResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The JSON shapes of the API (documented in openapi.yaml). */
final class ApiResponses {
    private ApiResponses() {}

    static JsonObject summary(ExperimentStore.Experiment e) {
        JsonObject o = new JsonObject().put("id", e.id()).put("phase", phase(e.phase()));
        e.failureReason().ifPresent(reason -> o.put("failure_reason", reason));
        e.spec()
                .ifPresent(s -> o.put("strategy", s.getStrategy())
                        .put("seed", s.getSeed())
                        .put("generations", s.getGenerations())
                        .put("population", s.getPopulation())
                        .put("train_top_k", s.getTrainTopK())
                        .put("created_at_ms", s.getCreatedAtMs()));
        Report r = e.search().orElse(null);
        o.put("generation", r == null ? 0 : r.getGeneration());
        o.put("candidates_scored", e.scored());
        o.put("best_score", r == null ? null : r.getBestScore());
        o.put("trained", e.results().size());
        o.put("train_expected", r == null ? 0 : r.getTrainExpected());
        return o;
    }

    static JsonObject status(ExperimentStore.Experiment e) {
        JsonObject o = summary(e);
        e.spec().ifPresent(s -> o.put("space_yaml", s.getSpaceYaml()).put("dataset", s.getDataset()));
        return o;
    }

    static JsonObject row(int rank, Score s, TrainResult result) {
        Genome g = GenomeMessages.toDomain(s.getGenome());
        JsonObject o = new JsonObject()
                .put("rank", rank)
                .put("hash", s.getGenomeHash())
                .put("depth", g.depth())
                .put("mlp_ratios", new JsonArray(List.copyOf(g.mlpRatios())))
                .put("num_heads", new JsonArray(List.copyOf(g.numHeads())))
                .put("embed_dim", g.embedDim())
                .put("params", s.getParams())
                .put("flops_syops", s.getFlopsSyops())
                .put("flops_full", s.getFlopsFull())
                .put("energy_pj", s.getEnergyPj())
                .put("generation", s.getGeneration())
                .put("sequence", s.getSequence());
        if (g.timeSteps() > 0) {
            o.put("time_steps", g.timeSteps());
        }
        JsonObject extra = new JsonObject();
        s.getExtraMap().forEach(extra::put);
        o.put("extra", extra);
        if (result != null) {
            o.put("status", result.getStatus().name().toLowerCase(java.util.Locale.ROOT));
            if (result.getStatus() == TrainResult.Status.OK) {
                o.put("test_accuracy", result.getTestAccuracy())
                        .put("train_loss", result.getTrainLoss())
                        .put("images_per_second", result.getImagesPerSecond());
            } else {
                o.put("failure_reason", result.getFailureReason());
            }
        }
        return o;
    }

    static JsonObject correlation(MetricCorrelation c) {
        return new JsonObject()
                .put("metric", c.getMetric())
                .put("n", c.getN())
                .put("kendall_tau_b", num(c.getKendallTauB()))
                .put("kendall_ci", new JsonArray().add(num(c.getKendallLow())).add(num(c.getKendallHigh())))
                .put("spearman_rho", num(c.getSpearmanRho()))
                .put("spearman_ci", new JsonArray().add(num(c.getSpearmanLow())).add(num(c.getSpearmanHigh())));
    }

    /** JSON has no NaN: undefined values are null. */
    static Double num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }

    static String phase(Report.Phase p) {
        return p == Report.Phase.PHASE_UNSPECIFIED ? "submitted" : p.name().toLowerCase(java.util.Locale.ROOT);
    }
}
