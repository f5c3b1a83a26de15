package dev.autost.cli.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.StatUtils;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * The tables of {@code study --compare --table}: {@code table-compare.csv} (one row per arm, seed
 * and budget), {@code table-compare.md} (per arm and budget the mean best accuracy, the mean
 * regret, the paired difference against random search on the same seeds with its 95 % t
 * interval, and wins, ties and losses against it) and {@code charts/table-compare-regret.png}
 * (mean regret against the budget, one line per arm).
 */
final class TableCompareReport {
    /**
     * One arm at one budget over the seeds.
     *
     * @param diff     mean of (arm's best - random's best) over the seeds both have, NaN for random
     * @param diffLow  lower end of its 95 % t interval (NaN with fewer than two pairs)
     */
    record Summary(
            String arm,
            int budgetEpochs,
            int seeds,
            double meanBest,
            double meanRegret,
            double meanEpochs,
            double diff,
            double diffLow,
            double diffHigh,
            int wins,
            int ties,
            int losses) {
        /** The interval of the paired difference lies above zero. */
        boolean beatsRandom() {
            return diffLow > 0;
        }
    }

    private final List<TableCompare.Row> rows;
    private final double tableBest;

    TableCompareReport(List<TableCompare.Row> rows, double tableBest) {
        this.rows = List.copyOf(rows);
        this.tableBest = tableBest;
    }

    /** Per budget (ascending as first seen) and arm (in the order the arms first appear). */
    List<Summary> summaries() {
        Map<String, List<TableCompare.Row>> groups = new LinkedHashMap<>();
        Set<Integer> budgets = new LinkedHashSet<>();
        rows.stream()
                .sorted(java.util.Comparator.comparingInt(TableCompare.Row::budgetEpochs))
                .forEach(r -> {
                    budgets.add(r.budgetEpochs());
                    groups.computeIfAbsent(r.budgetEpochs() + "/" + r.arm(), k -> new ArrayList<>())
                            .add(r);
                });
        List<Summary> out = new ArrayList<>();
        groups.forEach((key, rs) -> {
            int budget = rs.get(0).budgetEpochs();
            String arm = rs.get(0).arm();
            Map<Long, Double> random = new HashMap<>();
            groups.getOrDefault(budget + "/random", List.of()).forEach(r -> random.put(r.seed(), r.bestAccuracy()));
            List<Double> diffs = new ArrayList<>();
            int wins = 0;
            int ties = 0;
            int losses = 0;
            if (!arm.equals("random")) {
                for (TableCompare.Row r : rs) {
                    Double base = random.get(r.seed());
                    if (base == null || Double.isNaN(base) || Double.isNaN(r.bestAccuracy())) {
                        continue;
                    }
                    double d = r.bestAccuracy() - base;
                    diffs.add(d);
                    if (Math.abs(d) < 1e-9) {
                        ties++;
                    } else if (d > 0) {
                        wins++;
                    } else {
                        losses++;
                    }
                }
            }
            double[] d = diffs.stream().mapToDouble(Double::doubleValue).toArray();
            double mean = d.length == 0 ? Double.NaN : StatUtils.mean(d);
            double half = Double.NaN;
            if (d.length >= 2) {
                half = new TDistribution(d.length - 1).inverseCumulativeProbability(0.975)
                        * Math.sqrt(StatUtils.variance(d))
                        / Math.sqrt(d.length);
            }
            out.add(new Summary(
                    arm,
                    budget,
                    rs.size(),
                    mean(rs.stream().mapToDouble(TableCompare.Row::bestAccuracy).toArray()),
                    mean(rs.stream().mapToDouble(TableCompare.Row::regret).toArray()),
                    rs.stream()
                            .mapToInt(TableCompare.Row::epochsSpent)
                            .average()
                            .orElse(0),
                    mean,
                    mean - half,
                    mean + half,
                    wins,
                    ties,
                    losses));
        });
        return out;
    }

    /**
     * What the lab's warm start is worth: per budget, model-lab's best minus model's on the same
     * seeds, mean with its 95 % t interval and wins / ties / losses; empty without both arms.
     */
    String labWorth() {
        StringBuilder b = new StringBuilder();
        Map<Integer, Map<Long, Double>> model = new LinkedHashMap<>();
        Map<Integer, Map<Long, Double>> lab = new LinkedHashMap<>();
        rows.stream()
                .sorted(java.util.Comparator.comparingInt(TableCompare.Row::budgetEpochs))
                .forEach(r -> {
                    if (r.arm().equals("model")) {
                        model.computeIfAbsent(r.budgetEpochs(), k -> new HashMap<>())
                                .put(r.seed(), r.bestAccuracy());
                    } else if (r.arm().equals("model-lab")) {
                        lab.computeIfAbsent(r.budgetEpochs(), k -> new HashMap<>())
                                .put(r.seed(), r.bestAccuracy());
                    }
                });
        lab.forEach((budget, bySeed) -> {
            List<Double> d = new ArrayList<>();
            bySeed.forEach((seed, a) -> {
                Double m = model.getOrDefault(budget, Map.of()).get(seed);
                if (m != null && !Double.isNaN(m) && !Double.isNaN(a)) {
                    d.add(a - m);
                }
            });
            if (d.size() < 2) {
                return;
            }
            double[] v = d.stream().mapToDouble(Double::doubleValue).toArray();
            double mean = StatUtils.mean(v);
            double half = new TDistribution(v.length - 1).inverseCumulativeProbability(0.975)
                    * Math.sqrt(StatUtils.variance(v))
                    / Math.sqrt(v.length);
            long wins = d.stream().filter(x -> x > 1e-9).count();
            long losses = d.stream().filter(x -> x < -1e-9).count();
            b.append(String.format(
                    Locale.ROOT,
                    "| %d | %d | %s | %s to %s | %d / %d / %d |%n",
                    budget,
                    v.length,
                    signed(mean),
                    signed(mean - half),
                    signed(mean + half),
                    wins,
                    v.length - wins - losses,
                    losses));
        });
        return b.isEmpty()
                ? ""
                : "\nWhat warm_start lab is worth (model-lab: the surrogate also fits the same seed's random search):\n\n"
                        + "| budget (epochs) | seeds | model-lab - model (paired mean) | 95 % interval (t)"
                        + " | wins / ties / losses |\n|---:|---:|---:|---|---|\n" + b;
    }

    private static double mean(double[] values) {
        double[] finite =
                java.util.Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
        return finite.length == 0 ? Double.NaN : StatUtils.mean(finite);
    }

    String csv() {
        StringBuilder b = new StringBuilder(TableCompare.Row.CSV_HEADER).append('\n');
        rows.forEach(r -> b.append(r.csv()).append('\n'));
        return b.toString();
    }

    String markdown() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Regret against the table's best final accuracy, %.4f.%n%n", tableBest));
        b.append("| budget (epochs) | arm | seeds | mean best accuracy | mean regret | mean epochs spent"
                + " | best - random (paired mean) | 95 % interval (t) | wins / ties / losses vs random |\n");
        b.append("|---:|---|---:|---:|---:|---:|---:|---|---|\n");
        for (Summary s : summaries()) {
            boolean random = s.arm().equals("random");
            b.append(String.format(
                    Locale.ROOT,
                    "| %d | %s | %d | %s | %s | %.1f | %s | %s | %s |%n",
                    s.budgetEpochs(),
                    s.arm(),
                    s.seeds(),
                    f(s.meanBest()),
                    f(s.meanRegret()),
                    s.meanEpochs(),
                    random ? "-" : signed(s.diff()),
                    random || Double.isNaN(s.diffLow())
                            ? "-"
                            : signed(s.diffLow()) + " to " + signed(s.diffHigh())
                                    + (s.beatsRandom() ? " (above 0)" : ""),
                    random ? "-" : s.wins() + " / " + s.ties() + " / " + s.losses()));
        }
        return b.append(labWorth()).toString();
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String signed(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%+.4f", v);
    }

    /** Mean regret against the budget, one series per arm. */
    byte[] chart() {
        XYChart c = new XYChartBuilder()
                .width(720)
                .height(440)
                .title("Mean regret against the table's best, by training budget")
                .xAxisTitle("budget (epochs of training)")
                .yAxisTitle("mean regret (test accuracy)")
                .build();
        Map<String, List<Summary>> byArm = new LinkedHashMap<>();
        summaries()
                .forEach(s ->
                        byArm.computeIfAbsent(s.arm(), k -> new ArrayList<>()).add(s));
        byArm.forEach((arm, ss) -> c.addSeries(
                arm,
                ss.stream().mapToDouble(Summary::budgetEpochs).toArray(),
                ss.stream()
                        .mapToDouble(s -> Double.isNaN(s.meanRegret()) ? 0 : s.meanRegret())
                        .toArray()));
        return CompareReport.png(c);
    }

    /** Writes table-compare.csv, table-compare.md and charts/table-compare-regret.png under {@code dir}. */
    Path write(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("charts"));
        Files.writeString(dir.resolve("table-compare.csv"), csv());
        Files.writeString(dir.resolve("table-compare.md"), markdown());
        Files.write(dir.resolve("charts").resolve("table-compare-regret.png"), chart());
        return dir.resolve("table-compare.csv");
    }
}
