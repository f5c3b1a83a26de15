package dev.autost.sampler;

import dev.autost.domain.search.Calibration;
import dev.autost.domain.search.Candidate;
import dev.autost.domain.search.ObjectiveScorer.Measurement;
import dev.autost.domain.search.Trial;
import dev.autost.messaging.codec.CalibrationMessages;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.proto.v1.CalibrationStep;
import dev.autost.proto.v1.TrainRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One experiment's objective {@code calibrated} as the sampler runs it: once the first generation
 * is measured, its calibration sample ({@link Calibration#sample}) goes to the trainers and the
 * search waits; when all of it is trained, {@link Calibration#choose} picks the metric and the
 * first generation is told. After that, the best candidate of each generation is trained too (the
 * first training's epochs, without waiting), and before each generation is asked the choice is
 * fitted again on every result in by then; a change applies from that generation on.
 * Every choice is kept as a {@link CalibrationStep} for the reports, so a restarted sampler tells
 * the stored scores with the same choices. Not thread-safe: the sampler's loop owns it.
 */
final class CalibrationRun {
    private record Result(
            double testAccuracy, List<Double> epochAccuracies, List<Double> epochLosses, boolean failed) {}

    private final ExperimentPlan plan;
    private List<Candidate> sample;
    private final Map<String, Result> results = new LinkedHashMap<>();
    /** Every candidate this calibration asked to train, in order. */
    private final java.util.LinkedHashSet<String> requested = new java.util.LinkedHashSet<>();

    private final List<CalibrationStep> steps = new ArrayList<>();
    private int fittedOn = -1;

    CalibrationRun(ExperimentPlan plan, List<CalibrationStep> recorded) {
        this.plan = Objects.requireNonNull(plan, "plan");
        steps.addAll(recorded);
    }

    /**
     * The calibration sample's train requests, once the run's first generation waits for its
     * choice; those in {@code known} (requested or trained before a restart) are left out.
     */
    List<TrainRequest> sampleRequests(ExperimentRun run, Set<String> known) {
        if (sample != null || !run.waitingForCalibration()) {
            return List.of();
        }
        sample = Calibration.sample(run.firstGeneration(), plan.calibrationSize());
        List<TrainRequest> out = new ArrayList<>();
        for (Candidate c : sample) {
            request(c, known, out);
        }
        return out;
    }

    private void request(Candidate c, Set<String> known, List<TrainRequest> out) {
        if (requested.add(c.genome().hash()) && !known.contains(c.genome().hash())) {
            // rank 0: not a place in the ranking, a calibration training
            out.add(plan.trainRequest(c.genome(), 0, plan.firstEpochs()));
        }
    }

    /**
     * Before generation {@code next} is asked: the best candidate of the generation before goes
     * to training (unless in {@code known}: requested or trained before a restart), and the choice
     * is fitted again if results arrived since the last fit; a change of metric applies from
     * {@code next} on.
     *
     * @return the train request, if any
     */
    List<TrainRequest> atGeneration(ExperimentRun run, int next, Set<String> known) {
        List<TrainRequest> out = new ArrayList<>();
        if (next < 2) {
            return out; // the first generation's sample was trained and fitted on
        }
        refit(run, next);
        run.ranking().stream()
                .filter(t -> t.candidate().generation() == next - 1)
                .findFirst()
                .ifPresent(t -> request(t.candidate(), known, out));
        return out;
    }

    /** A training result of this experiment (OK or failed); the latest per candidate counts. */
    void result(
            String genomeHash,
            double testAccuracy,
            List<Double> epochAccuracies,
            List<Double> epochLosses,
            boolean failed) {
        results.put(
                genomeHash, new Result(testAccuracy, List.copyOf(epochAccuracies), List.copyOf(epochLosses), failed));
    }

    /** A calibration training published before a restart (a request of rank 0). */
    void requestedBefore(String genomeHash) {
        requested.add(genomeHash);
    }

    /** The per-epoch accuracies of a result, or null without one; failed results give an empty list. */
    List<Double> epochAccuracies(String genomeHash) {
        Result r = results.get(genomeHash);
        return r == null ? null : r.epochAccuracies();
    }

    /** The per-epoch training losses of a result, or an empty list without one. */
    List<Double> epochLosses(String genomeHash) {
        Result r = results.get(genomeHash);
        return r == null ? List.of() : r.epochLosses();
    }

    boolean failed(String genomeHash) {
        Result r = results.get(genomeHash);
        return r != null && r.failed();
    }

    /** Every candidate of the sample has a result. */
    boolean sampleTrained() {
        return sample != null
                && sample.stream().allMatch(c -> results.containsKey(c.genome().hash()));
    }

    /**
     * The first choice, when the run waits for it and the whole sample is trained.
     *
     * @return the first generation's trials, told now; empty when not yet
     */
    List<Trial> chooseFirst(ExperimentRun run) {
        if (!run.waitingForCalibration() || !sampleTrained()) {
            return List.of();
        }
        Calibration.Choice c = fit(run);
        steps.add(CalibrationMessages.step(0, c));
        return run.calibrate(0, c.metric());
    }

    private void refit(ExperimentRun run, int next) {
        if (run.metricFor(next) == null || results.size() == fittedOn) {
            return;
        }
        Calibration.Choice c = fit(run);
        if (!c.metric().equals(run.metricFor(next))) {
            steps.add(CalibrationMessages.step(next, c));
            run.calibrate(next, c.metric());
        }
    }

    private Calibration.Choice fit(ExperimentRun run) {
        fittedOn = results.size();
        List<Calibration.Result> fitted = new ArrayList<>();
        results.forEach((hash, r) -> {
            Measurement m = run.measurement(hash);
            if (m != null && !r.failed()) {
                fitted.add(new Calibration.Result(m, r.testAccuracy()));
            }
        });
        return Calibration.choose(plan.objective().metrics(), fitted);
    }

    List<CalibrationStep> steps() {
        return List.copyOf(steps);
    }

    /** Every candidate the calibration asked to train, each for the first training's epochs. */
    Set<String> requested() {
        return java.util.Collections.unmodifiableSet(requested);
    }

    boolean hasResult(String genomeHash) {
        return results.containsKey(genomeHash);
    }

    /** The first choice and why, for the log: "sahd (highest Kendall tau with the accuracy of 6 trained candidates)". */
    String firstChoice() {
        CalibrationStep first = steps.get(0);
        return first.getMetric() + " ("
                + (first.getNote().isEmpty()
                        ? "highest Kendall tau with the accuracy of " + first.getTrained() + " trained candidates"
                        : first.getNote())
                + ")";
    }

    /** The metric the last choice named, or null before the first. */
    String currentMetric() {
        return steps.isEmpty() ? null : steps.get(steps.size() - 1).getMetric();
    }
}
