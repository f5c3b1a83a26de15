package dev.autost.api;

import dev.autost.domain.cost.CostBreakdown;
import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.genome.GenomeCodec;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.messaging.codec.TrainMessages;
import dev.autost.proto.v1.MetricCorrelation;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.Score;
import dev.autost.proto.v1.TrainProgress;
import dev.autost.proto.v1.TrainResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The JSON shapes of the API (documented in openapi.yaml). */
final class ApiResponses {
    private ApiResponses() {}

    static JsonObject summary(ExperimentStore.Experiment e, long nowMs) {
        boolean queued = e.phase() == Report.Phase.RUNNING
                && e.search().map(Report::getQueued).orElse(false);
        JsonObject o = new JsonObject().put("id", e.id()).put("phase", queued ? "queued" : phase(e.phase()));
        e.failureReason().ifPresent(reason -> o.put("failure_reason", reason));
        e.search().map(Report::getEndedEarly).filter(s -> !s.isEmpty()).ifPresent(why -> o.put("ended_early", why));
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
        e.waitingFor(nowMs).ifPresent(w -> o.put("waiting_for", w));
        return o;
    }

    static JsonObject status(ExperimentStore.Experiment e, long nowMs) {
        JsonObject o = summary(e, nowMs);
        e.spec().ifPresent(s -> o.put("space_yaml", s.getSpaceYaml()).put("dataset", s.getDataset()));
        e.search().ifPresent(r -> {
            if (r.getTrainBudgetEpochs() > 0) { // successive halving
                o.put("training_open", r.getTrainingOpen())
                        .put("train_epochs_requested", r.getTrainEpochsRequested())
                        .put("train_budget_epochs", r.getTrainBudgetEpochs());
            }
            if (r.getCalibrationCount() > 0) {
                JsonArray steps = new JsonArray();
                for (var step : r.getCalibrationList()) {
                    JsonObject taus = new JsonObject();
                    step.getCorrelationsList().forEach(c -> taus.put(c.getMetric(), finite(c.getKendallTauB())));
                    steps.add(new JsonObject()
                            .put("from_generation", step.getFromGeneration())
                            .put("metric", step.getMetric())
                            .put("trained", step.getTrained())
                            .put("note", step.getNote())
                            .put("kendall_tau_b", taus));
                }
                o.put("calibration", steps);
            }
        });
        return o;
    }

    /**
     * One candidate in full, for its view on the page: the leaderboard row, its training curve
     * (one point per finished epoch) and the epoch running now, its cost per layer in the
     * experiment's setting (as {@code autost explain}), its proxies and firing rates, and where its
     * RETRAIN YAML is.
     */
    static JsonObject candidate(ExperimentStore.Experiment e, Score s) {
        TrainResult result = e.results().get(s.getGenomeHash());
        JsonObject o = row(0, s, result);
        JsonArray curve = new JsonArray();
        for (TrainProgress p : e.curve(s.getGenomeHash())) {
            curve.add(new JsonObject()
                    .put("epoch", p.getEpoch())
                    .put("epochs", p.getEpochs())
                    .put("train_loss", finite(p.getTrainLoss()))
                    .put("train_accuracy", finite(p.getTrainAccuracy()))
                    .put("test_accuracy", finite(p.getTestAccuracy())));
        }
        o.put("curve", curve);
        e.running(s.getGenomeHash())
                .ifPresent(p -> o.put(
                        "running",
                        new JsonObject()
                                .put("epoch", p.getEpoch())
                                .put("epochs", p.getEpochs())
                                .put("step", p.getStep())
                                .put("steps", p.getSteps())
                                .put("train_loss", finite(p.getTrainLoss()))
                                .put("seconds_left", finite(p.getSecondsLeft()))));
        JsonArray layers = new JsonArray();
        for (CostBreakdown.Layer l : new CostModel(e.setting())
                .explain(GenomeMessages.toDomain(s.getGenome()))
                .layers()) {
            layers.add(new JsonObject()
                    .put("name", l.name())
                    .put("params", l.params())
                    .put("flops_syops", l.syops())
                    .put("flops_full", l.full()));
        }
        o.put("layers", layers);
        JsonObject proxies = new JsonObject();
        ScoreMessages.probes(s).forEach((k, v) -> proxies.put(k, finite(v)));
        JsonObject rates = new JsonObject();
        if (result != null) {
            result.getProxiesMap().forEach((k, v) -> proxies.put(k, finite(v)));
            new java.util.TreeMap<>(result.getFiringRatesMap()).forEach((k, v) -> rates.put(k, finite(v)));
            if (!result.getReusedFrom().isEmpty()) {
                o.put("reused_from", result.getReusedFrom());
            }
            if (!result.getReplayedFromTable().isEmpty()) {
                o.put("replayed_from_table", result.getReplayedFromTable()); // not trained: read from a table
            }
        }
        o.put("proxies", proxies);
        o.put("firing_rates", rates);
        o.put(
                "retrain_yaml",
                "/api/experiments/" + urlPart(e.id()) + "/candidates/" + urlPart(s.getGenomeHash()) + "/retrain.yaml");
        return o;
    }

    /** The candidate as an official RETRAIN YAML file, with its costs as comments-like extras. */
    static String retrainYaml(Score s) {
        java.util.Map<String, Object> extra = new java.util.LinkedHashMap<>();
        extra.put("PARAMS", s.getParams());
        extra.put("FLOPS", s.getFlopsSyops());
        extra.put("HASH", s.getGenomeHash());
        return GenomeCodec.toOfficialYaml(GenomeMessages.toDomain(s.getGenome()), extra);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null; // JSON has no NaN or infinity
    }

    private static String urlPart(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
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
            if (TrainMessages.succeeded(result)) {
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
