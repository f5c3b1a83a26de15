package dev.autost.cli.study;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.StatUtils;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * Study 2's tables: {@code compare.csv} (one row per arm and seed), {@code compare.md} (per arm the
 * mean best accuracy over the seeds with a 95 % t interval, the epochs spent, and the seeds on which
 * the arm beat random search) and {@code charts/compare-best-accuracy.png}.
 */
final class CompareReport {
    /** One arm over the seeds. */
    record Summary(
            String arm, int seeds, double meanBest, double low, double high, double meanBudget, int winsOverRandom) {}

    private final List<CompareStudy.Row> rows;

    CompareReport(List<CompareStudy.Row> rows) {
        this.rows = List.copyOf(rows);
    }

    /** Per arm, in the order the arms first appear. */
    List<Summary> summaries() {
        Map<String, List<CompareStudy.Row>> byArm = new LinkedHashMap<>();
        rows.forEach(r -> byArm.computeIfAbsent(r.arm(), k -> new ArrayList<>()).add(r));
        Map<Long, Double> random = new LinkedHashMap<>();
        byArm.getOrDefault("random", List.of()).forEach(r -> random.put(r.seed(), r.bestAccuracy()));
        List<Summary> out = new ArrayList<>();
        byArm.forEach((arm, rs) -> {
            double[] best = rs.stream()
                    .mapToDouble(CompareStudy.Row::bestAccuracy)
                    .filter(v -> !Double.isNaN(v))
                    .toArray();
            double mean = StatUtils.mean(best); // NaN without any
            double half = Double.NaN;
            if (best.length >= 2) {
                double sd = Math.sqrt(StatUtils.variance(best)); // n - 1 in the denominator
                half = new TDistribution(best.length - 1).inverseCumulativeProbability(0.975)
                        * sd
                        / Math.sqrt(best.length);
            }
            int wins = 0;
            for (CompareStudy.Row r : rs) {
                Double base = random.get(r.seed());
                if (!arm.equals("random") && base != null && r.bestAccuracy() > base) {
                    wins++;
                }
            }
            out.add(new Summary(
                    arm,
                    rs.size(),
                    mean,
                    mean - half,
                    mean + half,
                    rs.stream()
                            .mapToInt(CompareStudy.Row::budgetEpochs)
                            .average()
                            .orElse(0),
                    wins));
        });
        return out;
    }

    String csv() {
        StringBuilder b = new StringBuilder(CompareStudy.CSV_HEADER).append('\n');
        rows.forEach(r -> b.append(r.csv()).append('\n'));
        return b.toString();
    }

    String markdown() {
        StringBuilder b = new StringBuilder();
        b.append(
                "| arm | seeds | mean best accuracy | 95 % interval (t) | mean epochs spent | seeds better than random |\n");
        b.append("|---|---:|---:|---|---:|---:|\n");
        for (Summary s : summaries()) {
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %s | %s | %.1f | %s |%n",
                    s.arm(),
                    s.seeds(),
                    Double.isNaN(s.meanBest()) ? "-" : String.format(Locale.ROOT, "%.4f", s.meanBest()),
                    Double.isNaN(s.low()) ? "-" : String.format(Locale.ROOT, "%.4f – %.4f", s.low(), s.high()),
                    s.meanBudget(),
                    s.arm().equals("random") ? "-" : s.winsOverRandom() + " of " + s.seeds()));
        }
        b.append('\n');
        b.append(
                "| arm | seed | epochs spent | trained | best accuracy | mean accuracy at the top rung | calibration |\n");
        b.append("|---|---:|---:|---:|---:|---:|---|\n");
        for (CompareStudy.Row r : rows) {
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %d | %d | %s | %s | %s |%n",
                    r.arm(),
                    r.seed(),
                    r.budgetEpochs(),
                    r.trained(),
                    Double.isNaN(r.bestAccuracy()) ? "-" : String.format(Locale.ROOT, "%.4f", r.bestAccuracy()),
                    Double.isNaN(r.meanAccuracy()) ? "-" : String.format(Locale.ROOT, "%.4f", r.meanAccuracy()),
                    r.calibration().isEmpty() ? "-" : r.calibration()));
        }
        return b.toString();
    }

    /** Mean best accuracy per arm with its interval as error bars. */
    byte[] chart() {
        CategoryChart c = new CategoryChartBuilder()
                .width(640)
                .height(400)
                .title("Best test accuracy at an equal budget (mean, 95 % t interval)")
                .xAxisTitle("arm")
                .yAxisTitle("best test accuracy")
                .build();
        c.getStyler().setLegendVisible(false);
        List<String> arms = new ArrayList<>();
        List<Double> means = new ArrayList<>();
        List<Double> errors = new ArrayList<>();
        for (Summary s : summaries()) {
            arms.add(s.arm());
            means.add(Double.isNaN(s.meanBest()) ? 0 : s.meanBest());
            errors.add(Double.isNaN(s.high()) ? 0 : s.high() - s.meanBest());
        }
        c.addSeries("best accuracy", arms, means, errors);
        return CompareReport.png(c);
    }

    /** A chart as PNG bytes. */
    static byte[] png(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes compare.csv, compare.md and charts/compare-best-accuracy.png under {@code dir}; returns dir. */
    Path write(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("charts"));
        Files.writeString(dir.resolve("compare.csv"), csv());
        Files.writeString(dir.resolve("compare.md"), markdown());
        Files.write(dir.resolve("charts").resolve("compare-best-accuracy.png"), chart());
        return dir;
    }
}
