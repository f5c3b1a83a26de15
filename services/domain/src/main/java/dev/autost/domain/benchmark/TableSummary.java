package dev.autost.domain.benchmark;

import dev.autost.domain.evaluation.RankCorrelation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a table holds, as markdown: the spread of its top-fidelity accuracies, the expected regret
 * of random search at each budget (exact, {@link RandomSearchRegret}), how well each fidelity and
 * each training-free metric ranks the top fidelity (Kendall tau-b with a bootstrap interval), and,
 * when given, how the table's figures compare with longer trainings and with another seed.
 */
public final class TableSummary {
    /** Trainings of a random search whose expected regret is tabulated. */
    public static final List<Integer> BUDGETS = List.of(1, 2, 4, 6, 8, 12, 16, 24, 32);

    private static final long SEED = 1;

    private TableSummary() {}

    /**
     * @param rows   the table
     * @param longer the same architectures trained longer (empty: not built yet)
     * @param reseed the same architectures trained with another seed (empty: not built yet)
     */
    public static String markdown(List<TableRow> rows, int members, List<TableRow> longer, List<TableRow> reseed) {
        if (rows.isEmpty()) {
            return "No rows yet.\n";
        }
        StringBuilder b = new StringBuilder();
        int top = rows.get(0).epochs();
        List<Double> finals = rows.stream().map(TableRow::finalAccuracy).toList();
        RandomSearchRegret regret = new RandomSearchRegret(finals);
        b.append(String.format(
                Locale.ROOT,
                "%d of %d architectures; top fidelity: test accuracy after epoch %d.%n%n",
                rows.size(),
                members,
                top));
        b.append("| best | median | worst |\n|---|---|---|\n");
        b.append(String.format(
                Locale.ROOT, "| %.4f | %.4f | %.4f |%n%n", regret.best(), regret.median(), regret.worst()));
        b.append("Random search among these rows, k trainings of distinct architectures (exact expectation):\n\n");
        b.append("| k | expected best | expected regret |\n|---|---|---|\n");
        for (int k : BUDGETS) {
            if (k <= rows.size()) {
                b.append(String.format(
                        Locale.ROOT, "| %d | %.4f | %.4f |%n", k, regret.expectedBest(k), regret.expectedRegret(k)));
            }
        }
        b.append("\nKendall tau-b against the top fidelity (95 % percentile bootstrap, 2000 resamples):\n\n");
        b.append("| signal | tau-b | 95 % interval |\n|---|---|---|\n");
        double[] y = finals.stream().mapToDouble(Double::doubleValue).toArray();
        for (int e = 1; e < top; e++) {
            int epoch = e;
            row(b, "test accuracy after epoch " + e, rows, r -> r.testAccuracy(epoch), y);
            row(b, "minus the train-loss sum to epoch " + e + " (TSE)", rows, r -> -r.trainLossSum(epoch), y);
        }
        for (String m : BenchmarkTable.METRICS) {
            row(b, m, rows, r -> r.metrics().get(m), y);
        }
        compare(b, "Longer training", rows, longer);
        compare(b, "Another seed", rows, reseed);
        return b.toString();
    }

    private static void row(
            StringBuilder b, String name, List<TableRow> rows, Function<TableRow, Double> signal, double[] y) {
        if (rows.size() < 3) {
            return;
        }
        double[] x = rows.stream().mapToDouble(signal::apply).toArray();
        RankCorrelation.Estimate tau = RankCorrelation.of(x, y, RankCorrelation.DEFAULT_RESAMPLES, SEED)
                .kendallTauB();
        b.append(
                String.format(Locale.ROOT, "| %s | %.3f | [%.3f, %.3f] |%n", name, tau.value(), tau.low(), tau.high()));
    }

    /** The rows of {@code other} that are in the table, paired with the table's, top fidelity against top. */
    private static void compare(StringBuilder b, String title, List<TableRow> rows, List<TableRow> other) {
        Map<String, TableRow> byHash = rows.stream().collect(Collectors.toMap(TableRow::hash, r -> r));
        List<double[]> pairs = new ArrayList<>();
        for (TableRow o : other) {
            Optional.ofNullable(byHash.get(o.hash()))
                    .ifPresent(r -> pairs.add(new double[] {r.finalAccuracy(), o.finalAccuracy()}));
        }
        if (pairs.isEmpty()) {
            return;
        }
        double[] a = pairs.stream().mapToDouble(p -> p[0]).toArray();
        double[] c = pairs.stream().mapToDouble(p -> p[1]).toArray();
        double meanAbs = 0;
        for (int i = 0; i < a.length; i++) {
            meanAbs += Math.abs(a[i] - c[i]) / a.length;
        }
        b.append(String.format(
                Locale.ROOT,
                "%n%s: %d architectures of the table trained again (%d epoch(s), seed %d); mean |difference| of the"
                        + " final test accuracy %.4f",
                title,
                pairs.size(),
                other.get(0).epochs(),
                other.get(0).seed(),
                meanAbs));
        if (pairs.size() >= 3) {
            RankCorrelation.Estimate tau = RankCorrelation.of(a, c, RankCorrelation.DEFAULT_RESAMPLES, SEED)
                    .kendallTauB();
            b.append(String.format(
                    Locale.ROOT,
                    "; Kendall tau-b between the two %.3f [%.3f, %.3f]",
                    tau.value(),
                    tau.low(),
                    tau.high()));
        }
        b.append(".\n");
    }
}
