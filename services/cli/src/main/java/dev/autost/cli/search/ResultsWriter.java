package dev.autost.cli.search;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autost.cli.json.Json;
import dev.autost.cli.pipeline.ExperimentClient;
import dev.autost.domain.cost.CostEstimate;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.genome.GenomeCodec;
import dev.autost.domain.search.Objective;
import dev.autost.domain.search.Trial;
import dev.autost.messaging.codec.TrainMessages;
import dev.autost.proto.v1.TrainResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a search's results: {@code results.json} (every feasible candidate scored,
 * best first) and one official {@code RETRAIN} YAML per top architecture under
 * {@code top/}. The formats are a contract: other tools and the pipeline read them.
 */
final class ResultsWriter {
    private ResultsWriter() {}

    /** Writes everything and returns the path of results.json. */
    static Path write(Path dir, List<Trial> ranking, int topK, ObjectNode summary) throws IOException {
        Files.createDirectories(dir);
        ArrayNode all = Json.MAPPER.createArrayNode();
        int rank = 0;
        for (Trial t : ranking) {
            ObjectNode row = row(t);
            row.put("rank", ++rank);
            all.add(row);
        }
        Path results = dir.resolve("results.json");
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(results.toFile(), all);
        Path top = dir.resolve("top");
        Files.createDirectories(top);
        try (var old = Files.list(top)) {
            for (Path p : old.filter(p -> p.getFileName().toString().endsWith(".yaml"))
                    .toList()) {
                Files.delete(p);
            }
        }
        for (int i = 0; i < Math.min(topK, ranking.size()); i++) {
            Trial t = ranking.get(i);
            Genome g = t.candidate().genome();
            CostEstimate c = t.outcome().cost();
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("RANK", i + 1);
            extra.put("SCORE", Double.isFinite(t.score()) ? Json.plain(t.score()) : Double.toString(t.score()));
            extra.put("PARAMS", c.params());
            extra.put("FLOPS", c.flopsSyopsExact());
            extra.put("FLOPS_FULL", c.flopsFull());
            extra.put("ENERGY_PJ", Json.round(c.energyPj()));
            extra.put("HASH", g.hash());
            Files.writeString(
                    top.resolve(String.format("rank-%02d-%s.yaml", i + 1, g.hash())),
                    GenomeCodec.toOfficialYaml(g, extra));
        }
        if (summary != null) {
            Json.MAPPER
                    .writerWithDefaultPrettyPrinter()
                    .writeValue(dir.resolve("search.json").toFile(), summary);
        }
        return results;
    }

    /**
     * Writes {@code trained.json}: every trained candidate (rank by score, genome, costs, status,
     * test accuracy, train loss, images/s, firing rates) and the evaluator's correlations.
     */
    static Path writeTrained(Path dir, List<Trial> ranking, ExperimentClient.FollowedExperiment o) throws IOException {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ArrayNode rows = root.putArray("trained");
        int rank = 0;
        for (Trial t : ranking) {
            rank++;
            TrainResult r = o.trained().get(t.candidate().genome().hash());
            if (r == null) {
                continue;
            }
            ObjectNode row = row(t);
            row.put("rank", rank);
            row.put("status", r.getStatus().name().toLowerCase(java.util.Locale.ROOT));
            row.put("epochs", r.getEpochs());
            if (TrainMessages.succeeded(r)) {
                row.put("test_accuracy", r.getTestAccuracy());
                ArrayNode curve = row.putArray("epoch_test_accuracies");
                r.getEpochTestAccuraciesList().forEach(curve::add);
                row.put("train_loss", r.getTrainLoss());
                row.put("images_per_second", r.getImagesPerSecond());
                row.put("trained_params", r.getParams());
                ObjectNode rates = row.putObject("firing_rates");
                new java.util.TreeMap<>(r.getFiringRatesMap()).forEach(rates::put);
            } else {
                row.put("failure_reason", r.getFailureReason());
            }
            row.put("worker", r.getWorkerId());
            if (!r.getReusedFrom().isEmpty()) {
                row.put("reused_from", r.getReusedFrom()); // trained once, for that experiment
            }
            if (!r.getReplayedFromTable().isEmpty()) {
                row.put("replayed_from_table", r.getReplayedFromTable()); // not trained at all
            }
            rows.add(row);
        }
        ArrayNode corr = root.putArray("correlations");
        if (o.evaluation() != null) {
            for (var c : o.evaluation().getCorrelationsList()) {
                ObjectNode n = corr.addObject();
                n.put("metric", c.getMetric());
                n.put("n", c.getN());
                n.put("kendall_tau_b", c.getKendallTauB());
                n.put("spearman_rho", c.getSpearmanRho());
            }
        }
        Path file = dir.resolve("trained.json");
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
        return file;
    }

    /** The trained candidates, printed after the leaderboard. */
    static void printTrained(java.io.PrintWriter out, List<Trial> ranking, ExperimentClient.FollowedExperiment o) {
        out.println();
        out.println("trained (test accuracy):");
        String fmt = "%4s  %-16s %10s %15s %9s %6s %10s  %s%n";
        out.printf(fmt, "rank", "hash", "params", "flops_syops", "accuracy", "epochs", "images/s", "status");
        int rank = 0;
        for (Trial t : ranking) {
            rank++;
            TrainResult r = o.trained().get(t.candidate().genome().hash());
            if (r != null) {
                boolean ok = TrainMessages.succeeded(r);
                out.printf(
                        fmt,
                        rank,
                        t.candidate().genome().hash(),
                        String.format("%,d", t.outcome().cost().params()),
                        // The column's metric, not the objective's score (SAHD printed under flops_syops before).
                        String.format("%,.0f", t.outcome().cost().flopsSyops()),
                        ok ? String.format("%.4f", r.getTestAccuracy()) : "-",
                        r.getEpochs() == 0 ? "-" : String.valueOf(r.getEpochs()),
                        ok ? String.format("%.0f", r.getImagesPerSecond()) : "-",
                        !ok
                                ? "failed: " + r.getFailureReason()
                                : !r.getReplayedFromTable().isEmpty()
                                        ? "ok, replayed from the " + r.getReplayedFromTable()
                                        : r.getReusedFrom().isEmpty() ? "ok" : "ok, reused from " + r.getReusedFrom());
            }
        }
    }

    static ObjectNode row(Trial t) {
        ObjectNode row = Json.row(t.candidate().genome(), t.outcome().cost());
        Json.putPlain(row, "score", t.score());
        new java.util.TreeMap<>(t.outcome().probes()).forEach((name, v) -> Json.putPlain(row, name, v));
        row.put("generation", t.candidate().generation());
        return row;
    }

    /**
     * The ranked table printed at the end of a search; under another objective than the paper's
     * a last column gives each candidate's value of it.
     */
    static void printTable(java.io.PrintWriter out, List<Trial> ranking, int topK, Objective objective) {
        boolean extra = !objective.equals(Objective.DEFAULT);
        String fmt = "%4s  %-16s %5s %4s  %-22s %-22s %10s %15s %15s %10s" + (extra ? " %14s" : "") + "%n";
        List<Object> header = new java.util.ArrayList<>(List.of(
                "rank",
                "hash",
                "depth",
                "D",
                "mlp_ratios",
                "num_heads",
                "params",
                "flops_syops",
                "flops_full",
                "energy_uJ"));
        if (extra) {
            String name = objective.id();
            header.add(name.length() > 14 ? name.substring(0, 13) + "…" : name);
        }
        out.printf(fmt, header.toArray());
        for (int i = 0; i < Math.min(topK, ranking.size()); i++) {
            Trial t = ranking.get(i);
            Genome g = t.candidate().genome();
            CostEstimate c = t.outcome().cost();
            List<Object> row = new java.util.ArrayList<>(List.of(
                    i + 1,
                    g.hash(),
                    g.depth(),
                    g.embedDim(),
                    compact(g.mlpRatios()),
                    compact(g.numHeads()),
                    String.format("%,d", c.params()),
                    String.format("%,.0f", c.flopsSyops()),
                    String.format("%,d", c.flopsFull()),
                    String.format("%.1f", c.energyPj() / 1e6)));
            if (extra) {
                double v = t.score();
                row.add(
                        !Double.isFinite(v)
                                ? "-"
                                : Math.abs(v) >= 1000 ? String.format("%,.0f", v) : String.format("%.4f", v));
            }
            out.printf(fmt, row.toArray());
        }
    }

    private static String compact(List<? extends Number> values) {
        StringBuilder sb = new StringBuilder();
        for (Number n : values) {
            double d = n.doubleValue();
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d));
        }
        String s = sb.toString();
        return s.length() > 22 ? s.substring(0, 21) + "…" : s;
    }
}
