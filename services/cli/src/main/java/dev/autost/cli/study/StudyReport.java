package dev.autost.cli.study;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autost.api.Charts;
import dev.autost.cli.json.Json;
import dev.autost.cli.pipeline.ExperimentClient;
import dev.autost.domain.space.SearchSpace;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.messaging.codec.TrainMessages;
import dev.autost.proto.v1.ExperimentSpec;
import dev.autost.proto.v1.MetricCorrelation;
import dev.autost.proto.v1.Score;
import dev.autost.proto.v1.TrainResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of {@code autost study} as tables: every trained architecture of the sample with
 * its metrics, the evaluator's correlations, and evolution against random search. Renders them
 * as Markdown, JSON, CSV and PNG charts.
 */
final class StudyReport {
    /** One experiment of the study and, once followed, what it produced. */
    static final class Arm {
        private final String name;
        private final ExperimentSpec spec;
        private ExperimentClient.FollowedExperiment outcome;

        Arm(String name, ExperimentSpec spec) {
            this.name = name;
            this.spec = spec;
        }

        String name() {
            return name;
        }

        ExperimentSpec spec() {
            return spec;
        }

        void outcome(ExperimentClient.FollowedExperiment o) {
            this.outcome = o;
        }

        /** Trained architectures, best test accuracy first (failed runs last). */
        List<Row> rows() {
            List<Row> rows = new ArrayList<>();
            for (Score s : outcome.scores()) {
                TrainResult r = outcome.trained().get(s.getGenomeHash());
                if (r != null) {
                    rows.add(new Row(s, r));
                }
            }
            rows.sort(Comparator.comparing((Row r) -> !r.ok()).thenComparingDouble(r -> -r.result.getTestAccuracy()));
            return rows;
        }

        List<MetricCorrelation> correlations() {
            return outcome.evaluation() == null
                    ? List.of()
                    : outcome.evaluation().getCorrelationsList();
        }
    }

    /** One trained architecture. */
    record Row(Score score, TrainResult result) {
        boolean ok() {
            return TrainMessages.succeeded(result);
        }

        /** Every training-free metric by the evaluator's names. */
        Map<String, Double> metrics() {
            return ScoreMessages.metrics(score, result);
        }

        String genome() {
            return GenomeMessages.toDomain(score.getGenome()).canonicalJson();
        }
    }

    /** How the study was run. */
    record Settings(
            String dataset,
            int epochs,
            int limitTrain,
            int limitTest,
            long seed,
            String device,
            int trainers,
            int population,
            int generations,
            String command) {}

    /** A correlation's figures by their names in study.json and correlations.csv, in the order every table shows them. */
    private static final List<String> FIGURES =
            List.of("kendall_tau_b", "kendall_low", "kendall_high", "spearman_rho", "spearman_low", "spearman_high");

    private static final List<String> METRIC_ORDER =
            List.of("flops_syops", "flops_full", "params", "energy_pj", "energy_init_pj", "naswot", "sahd");

    private final String id;
    private final SearchSpace space;
    private final List<Arm> arms;
    private final Settings settings;
    private final double minutes;

    StudyReport(String id, SearchSpace space, List<Arm> arms, Settings settings, double minutes) {
        this.id = id;
        this.space = space;
        this.arms = arms;
        this.settings = settings;
        this.minutes = minutes;
    }

    private Arm arm(String name) {
        return arms.stream().filter(a -> a.name().equals(name)).findFirst().orElse(null);
    }

    private List<MetricCorrelation> correlations() {
        List<MetricCorrelation> c = new ArrayList<>(arm("sample").correlations());
        c.sort(Comparator.comparingInt((MetricCorrelation m) -> METRIC_ORDER.contains(m.getMetric())
                        ? METRIC_ORDER.indexOf(m.getMetric())
                        : METRIC_ORDER.size())
                .thenComparing(MetricCorrelation::getMetric));
        return c;
    }

    String markdown() {
        StringBuilder b = new StringBuilder();
        List<Row> sample = arm("sample").rows();
        long ok = sample.stream().filter(Row::ok).count();
        b.append(String.format(Locale.ROOT, "# Study %s%n%n", id));
        b.append(String.format(
                Locale.ROOT,
                "Space %s, parameter window %s; %s, %d epoch(s), %s training images, %s test images, seed %d, "
                        + "%s, %d trainer(s); %.1f minutes in all.%n%nCommand: `%s`%n%n",
                space.name(),
                space.constraints().params(),
                settings.dataset(),
                settings.epochs(),
                settings.limitTrain() == 0 ? "all" : settings.limitTrain(),
                settings.limitTest() == 0 ? "all" : settings.limitTest(),
                settings.seed(),
                settings.device(),
                settings.trainers(),
                minutes,
                settings.command()));
        b.append(String.format(
                Locale.ROOT, "## Rank correlation with test accuracy (n = %d trained of %d)%n%n", ok, sample.size()));
        b.append("| metric | Kendall tau-b | 95 % CI | Spearman rho | 95 % CI |\n|---|---|---|---|---|\n");
        for (MetricCorrelation c : correlations()) {
            b.append("| ")
                    .append(c.getMetric())
                    .append(String.format(Locale.ROOT, " | %.3f | [%.3f, %.3f] | %.3f | [%.3f, %.3f] |%n", figures(c)));
        }
        if (arm("evolution") != null) {
            b.append(String.format(
                    Locale.ROOT,
                    "%n## Evolution vs random search at an equal training budget (%d trained each)%n%n",
                    arm("evolution").spec().getTrainTopK()));
            b.append(
                    "| arm | how the trained architectures were chosen | best test accuracy | mean | best architecture | params |\n"
                            + "|---|---|---|---|---|---|\n");
            for (String name : List.of("evolution", "random")) {
                Arm a = arm(name);
                List<Row> rows = a.rows().stream().filter(Row::ok).toList();
                String how = name.equals("evolution")
                        ? String.format(
                                Locale.ROOT,
                                "top %d by flops_syops of %d scored (%s)",
                                a.spec().getTrainTopK(),
                                a.outcome.scores().size(),
                                dev.autost.domain.search.TrainingSelection.parse(
                                                a.spec().getTrainSelection())
                                        .id())
                        : String.format(
                                Locale.ROOT,
                                "%d uniformly random feasible",
                                a.spec().getTrainTopK());
                if (rows.isEmpty()) {
                    b.append("| ").append(name).append(" | ").append(how).append(" | – | – | – | – |\n");
                    continue;
                }
                Row best = rows.get(0);
                b.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %.4f | %.4f | `%s` | %d |%n",
                        name,
                        how,
                        best.result().getTestAccuracy(),
                        rows.stream()
                                .mapToDouble(r -> r.result().getTestAccuracy())
                                .average()
                                .orElse(0),
                        best.genome(),
                        best.score().getParams()));
            }
        }
        b.append(String.format(Locale.ROOT, "%n## Trained architectures of the sample, best first%n%n"));
        b.append(
                "| # | genome | params | flops_syops | energy_pj | energy_init_pj | naswot | sahd | test acc | train loss |\n"
                        + "|---|---|---|---|---|---|---|---|---|---|\n");
        int i = 1;
        for (Row r : sample) {
            Map<String, Double> m = r.metrics();
            b.append(String.format(
                    Locale.ROOT,
                    "| %d | `%s` | %d | %.4g | %.4g | %s | %s | %s | %s | %s |%n",
                    i++,
                    r.genome(),
                    r.score().getParams(),
                    r.score().getFlopsSyops(),
                    r.score().getEnergyPj(),
                    fmt(m.get("energy_init_pj")),
                    fmt(m.get("naswot")),
                    fmt(m.get("sahd")),
                    r.ok()
                            ? String.format(Locale.ROOT, "%.4f", r.result().getTestAccuracy())
                            : "failed: " + r.result().getFailureReason(),
                    r.ok() ? String.format(Locale.ROOT, "%.4f", r.result().getTrainLoss()) : "–"));
        }
        return b.toString();
    }

    /** The values of {@link #FIGURES}, for String.format. */
    private static Object[] figures(MetricCorrelation c) {
        return new Object[] {
            c.getKendallTauB(),
            c.getKendallLow(),
            c.getKendallHigh(),
            c.getSpearmanRho(),
            c.getSpearmanLow(),
            c.getSpearmanHigh()
        };
    }

    private static String fmt(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.4g", v);
    }

    /** Writes every output under {@code dir}; returns what was written, for the user. */
    String write(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("charts"));
        Files.writeString(dir.resolve("study.md"), markdown());
        Files.writeString(dir.resolve("architectures.csv"), architecturesCsv());
        Files.writeString(dir.resolve("correlations.csv"), correlationsCsv());
        Json.MAPPER
                .writerWithDefaultPrettyPrinter()
                .writeValue(dir.resolve("study.json").toFile(), json());
        List<Row> ok = arm("sample").rows().stream().filter(Row::ok).toList();
        int charts = 0;
        for (MetricCorrelation c : correlations()) {
            double[] xs =
                    ok.stream().mapToDouble(r -> r.metrics().get(c.getMetric())).toArray();
            double[] ys =
                    ok.stream().mapToDouble(r -> r.result().getTestAccuracy()).toArray();
            Files.write(
                    dir.resolve("charts").resolve("accuracy-" + c.getMetric() + ".png"),
                    Charts.accuracyAgainst(c.getMetric(), xs, ys));
            charts++;
        }
        return dir.resolve("study.md") + ", study.json, architectures.csv, correlations.csv and " + charts
                + " charts under " + dir.resolve("charts");
    }

    private String architecturesCsv() {
        StringBuilder b = new StringBuilder("arm,genome_hash,genome,status,test_accuracy,train_loss,images_per_second,"
                + String.join(",", METRIC_ORDER) + ",failure_reason\n");
        for (Arm a : arms) {
            for (Row r : a.rows()) {
                Map<String, Double> m = r.metrics();
                b.append(a.name())
                        .append(',')
                        .append(r.score().getGenomeHash())
                        .append(",\"")
                        .append(r.genome().replace("\"", "\"\""))
                        .append("\",")
                        .append(r.result().getStatus())
                        .append(',')
                        .append(r.ok() ? r.result().getTestAccuracy() : "")
                        .append(',')
                        .append(r.ok() ? r.result().getTrainLoss() : "")
                        .append(',')
                        .append(r.ok() ? r.result().getImagesPerSecond() : "");
                for (String name : METRIC_ORDER) {
                    b.append(',').append(m.containsKey(name) ? m.get(name).toString() : "");
                }
                b.append(",\"")
                        .append(r.result().getFailureReason().replace("\"", "\"\""))
                        .append("\"\n");
            }
        }
        return b.toString();
    }

    private String correlationsCsv() {
        StringBuilder b = new StringBuilder("metric,n," + String.join(",", FIGURES) + "\n");
        for (MetricCorrelation c : correlations()) {
            b.append(c.getMetric()).append(',').append(c.getN());
            b.append(String.format(Locale.ROOT, ",%s,%s,%s,%s,%s,%s%n", figures(c)));
        }
        return b.toString();
    }

    private ObjectNode json() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("study_id", id);
        root.put("space", space.name());
        root.put("params_window", space.constraints().params().toString());
        root.set("settings", Json.MAPPER.valueToTree(settings));
        root.put("minutes", minutes);
        ArrayNode corr = root.putArray("correlations");
        for (MetricCorrelation c : correlations()) {
            ObjectNode n = corr.addObject().put("metric", c.getMetric()).put("n", c.getN());
            Object[] figures = figures(c);
            for (int i = 0; i < figures.length; i++) {
                n.put(FIGURES.get(i), (Double) figures[i]);
            }
        }
        ObjectNode armsNode = root.putObject("arms");
        for (Arm a : arms) {
            ObjectNode an = armsNode.putObject(a.name());
            an.put("experiment_id", a.spec().getExperimentId());
            an.put("strategy", a.spec().getStrategy());
            an.put("candidates_scored", a.outcome.scores().size());
            an.put("trained", a.spec().getTrainTopK());
            ArrayNode rows = an.putArray("architectures");
            for (Row r : a.rows()) {
                ObjectNode row = rows.addObject();
                row.put("genome_hash", r.score().getGenomeHash());
                row.set("genome", Json.MAPPER.valueToTree(readTree(r.genome())));
                row.put("status", r.result().getStatus().name());
                row.put("worker_id", r.result().getWorkerId());
                if (r.ok()) {
                    row.put("test_accuracy", r.result().getTestAccuracy());
                    row.put("train_loss", r.result().getTrainLoss());
                    row.put("images_per_second", r.result().getImagesPerSecond());
                } else {
                    row.put("failure_reason", r.result().getFailureReason());
                }
                ObjectNode metrics = row.putObject("metrics");
                r.metrics().forEach((k, v) -> {
                    if (Double.isFinite(v)) {
                        metrics.put(k, v);
                    } else {
                        metrics.put(k, v.toString()); // JSON has no infinities
                    }
                });
            }
        }
        return root;
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
