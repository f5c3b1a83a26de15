package dev.autost.api;

import static dev.autost.api.HttpReplies.error;
import static dev.autost.api.HttpReplies.failRead;
import static dev.autost.api.HttpReplies.intParam;
import static dev.autost.api.HttpReplies.json;
import static dev.autost.api.HttpReplies.withCandidate;
import static dev.autost.api.HttpReplies.withExperiment;

import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.messaging.codec.TrainMessages;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.TrainResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The API's reads of one experiment: leaderboard, Pareto fronts, rank correlations, a candidate,
 * its RETRAIN file and the charts. Rankings and charts run on the read pool under bounds
 * ({@link BoundedWork}), never on the event loop.
 */
final class ExperimentReads {
    private final ExperimentStore store;
    private final BoundedWork leaderboards;
    private final ChartRenders charts;

    ExperimentReads(ExperimentStore store, BoundedWork leaderboards, ChartRenders charts) {
        this.store = Objects.requireNonNull(store, "store");
        this.leaderboards = Objects.requireNonNull(leaderboards, "leaderboards");
        this.charts = Objects.requireNonNull(charts, "charts");
    }

    void leaderboard(RoutingContext ctx) {
        withExperiment(store, ctx, e -> {
            int limit = intParam(ctx, "limit", 50);
            LeaderboardQuery query;
            try {
                query = LeaderboardQuery.parse(ctx.request()::getParam);
            } catch (IllegalArgumentException bad) {
                error(ctx, 400, bad.getMessage());
                return;
            }
            LeaderboardQuery q = query;
            // Off the event loop: ranking and filtering 100 000 scores takes tens of milliseconds.
            leaderboards
                    .submit(() -> {
                        Map<String, TrainResult> results = e.results();
                        List<ScoreMessages.Ranked> ranking = q.apply(e.ranking(), results);
                        JsonArray rows = new JsonArray();
                        for (int i = 0; i < Math.min(limit, ranking.size()); i++) {
                            ScoreMessages.Ranked r = ranking.get(i);
                            rows.add(ApiResponses.row(
                                            i + 1,
                                            r.score(),
                                            results.get(r.score().getGenomeHash()))
                                    .put("score", jsonNumber(r.outcome().score())));
                        }
                        return new JsonObject()
                                .put("id", e.id())
                                .put("by", q.by())
                                .put("order", q.ascending() ? "asc" : "desc")
                                .put("matching", ranking.size())
                                .put("objective", e.objective().id())
                                .put("candidates_scored", e.scored())
                                // Less than scored once finished: the summary's candidates (docs/operations.md).
                                .put("candidates_kept", e.kept())
                                .put("rows", rows);
                    })
                    .onSuccess(o -> json(ctx, 200, o))
                    .onFailure(err -> failRead(ctx, err));
        });
    }

    /** JSON has no infinities: a gated or failed probe's minus infinity becomes null. */
    private static Double jsonNumber(double v) {
        return Double.isFinite(v) ? v : null;
    }

    void pareto(RoutingContext ctx) {
        withExperiment(store, ctx, e -> {
            Report ev = e.evaluation().orElse(null);
            Map<String, TrainResult> results = e.results();
            JsonObject o = new JsonObject().put("id", e.id());
            if (ev == null) {
                o.put("energy", new JsonArray()).put("params", new JsonArray()).put("objective", "pending");
            } else {
                o.put(
                        "objective",
                        ev.getCorrelationsCount() > 0
                                        || results.values().stream().anyMatch(TrainMessages::succeeded)
                                ? "test_accuracy"
                                : e.objective().id()); // the evaluator's front before training
                o.put("energy", rows(e, ev.getParetoEnergyList(), results));
                o.put("params", rows(e, ev.getParetoParamsList(), results));
            }
            json(ctx, 200, o);
        });
    }

    private static JsonArray rows(ExperimentStore.Experiment e, List<String> hashes, Map<String, TrainResult> results) {
        JsonArray a = new JsonArray();
        int rank = 0;
        for (String h : hashes) {
            int r = ++rank;
            e.score(h).ifPresent(s -> a.add(ApiResponses.row(r, s, results.get(h))));
        }
        return a;
    }

    void correlation(RoutingContext ctx) {
        withExperiment(store, ctx, e -> {
            JsonArray a = new JsonArray();
            e.evaluation().ifPresent(ev -> ev.getCorrelationsList().forEach(c -> a.add(ApiResponses.correlation(c))));
            json(
                    ctx,
                    200,
                    new JsonObject()
                            .put("id", e.id())
                            .put(
                                    "trained",
                                    e.results().values().stream()
                                            .filter(TrainMessages::succeeded)
                                            .count())
                            .put("metrics", a));
        });
    }

    void candidate(RoutingContext ctx) {
        withCandidate(store, ctx, (e, s) -> json(ctx, 200, ApiResponses.candidate(e, s)));
    }

    /** The candidate in the official RETRAIN format, as a download. */
    void retrainYaml(RoutingContext ctx) {
        withCandidate(store, ctx, (e, s) -> {
            ctx.response()
                    .putHeader("Content-Type", "application/yaml; charset=utf-8")
                    .putHeader("Content-Disposition", "attachment; filename=\"retrain-" + s.getGenomeHash() + ".yaml\"")
                    .end(ApiResponses.retrainYaml(s));
        });
    }

    void chart(RoutingContext ctx) {
        withExperiment(store, ctx, e -> {
            String name = ctx.pathParam("name").replace(".png", "");
            if (!Charts.names().contains(name)) {
                error(ctx, 404, "no chart '" + name + "' (expected one of " + Charts.names() + ")");
                return;
            }
            charts.png(e, name)
                    .onSuccess(png -> ctx.response()
                            .putHeader("Content-Type", "image/png")
                            .end(io.vertx.core.buffer.Buffer.buffer(png)))
                    .onFailure(err -> failRead(ctx, err));
        });
    }
}
