package dev.autost.cli.chaos;

import java.util.List;
import java.util.Locale;

/**
 * One chaos trial as measured: where the kill landed, how long work paused, and the checks
 * against the uninterrupted run of the same seed.
 *
 * @param killAt         where the kill landed (candidates scored, or seconds into training and the epoch)
 * @param pauseMs        a kill during the search: longest gap in scoring after it (not for the
 *                       evaluator, which scoring does not wait for); during training: kill to a new
 *                       trainer process starting the job again; -1 when not measured
 * @param doneAfterKillMs kill to the evaluator's final report
 * @param lost           candidates of the uninterrupted ranking without a score; -1 if unknown
 * @param countedTwice   the evaluator's candidates_scored minus distinct scored genomes; -1 if unknown
 * @param trainingEqual  "yes", "NO", or "n/a" when the trial does not train
 * @param problems       empty when the trial passed
 */
record TrialRow(
        Target target,
        int trial,
        long seed,
        String killAt,
        long pauseMs,
        long doneAfterKillMs,
        int lost,
        int countedTwice,
        boolean rankingEqual,
        String trainingEqual,
        List<String> problems) {

    static final String HEADER = "| target | trial | seed | kill at | pause (s) | done after kill (s) | lost "
            + "| counted twice | ranking equal | training equal | result |\n"
            + "|---|---|---|---|---|---|---|---|---|---|---|";

    boolean passed() {
        return problems.isEmpty();
    }

    String markdown() {
        return String.format(
                Locale.ROOT,
                "| %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s |",
                target.label(),
                trial,
                seed,
                killAt,
                seconds(pauseMs),
                seconds(doneAfterKillMs),
                lost < 0 ? "?" : Integer.toString(lost),
                countedTwice < 0 ? "?" : Integer.toString(countedTwice),
                rankingEqual ? "yes" : "NO",
                trainingEqual,
                passed() ? "ok" : "FAILED: " + String.join("; ", problems).replace('|', '/'));
    }

    private static String seconds(long ms) {
        return ms < 0 ? "-" : String.format(Locale.ROOT, "%.1f", ms / 1000.0);
    }
}
