package dev.autost.sampler;

import dev.autost.domain.AutostException;
import dev.autost.domain.fidelity.SuccessiveHalving;
import dev.autost.domain.fidelity.TrainingSchedule;
import dev.autost.domain.search.Candidate;
import dev.autost.domain.search.ObjectiveScorer.Measurement;
import dev.autost.domain.search.SearchExhaustedException;
import dev.autost.domain.search.Trial;
import dev.autost.messaging.codec.CalibrationMessages;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.messaging.codec.ReportMessages;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.messaging.codec.TrainMessages;
import dev.autost.observability.AutostMeters;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.Score;
import dev.autost.proto.v1.TrainRequest;
import dev.autost.proto.v1.TrainResult;
import dev.autost.sampler.ExperimentPhase.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One experiment at the sampler: its {@link ExperimentPhase} and what that phase holds (the
 * search's {@link ExperimentRun}, a calibrated objective's {@link CalibrationRun}, the halving's
 * {@link HalvingRun}). Each input it is given says, through a {@link SamplerOutput}, what to
 * publish; once {@linkplain ExperimentPhase#isOver over} it holds nothing and takes no input.
 * Not thread-safe: the sampler's loop owns it.
 */
final class Experiment {
    private static final int REPORT_TOP = 10;
    private static final Logger LOG = LoggerFactory.getLogger(Experiment.class);

    private final ExperimentPlan plan;
    private final int maxInFlight;
    private final AutostMeters meters;
    private final LabResults lab;
    private ExperimentPhase phase = ExperimentPhase.QUEUED;
    private ExperimentRun run;
    private CalibrationRun calibration;
    private HalvingRun training;
    private boolean probeWaitLogged;

    /**
     * @param maxInFlight candidates out to the scorers at once
     * @param lab         every result the sampler has read, for {@code warm_start: lab}
     */
    Experiment(ExperimentPlan plan, int maxInFlight, AutostMeters meters, LabResults lab) {
        this.lab = Objects.requireNonNull(lab, "lab");
        this.plan = Objects.requireNonNull(plan, "plan");
        this.maxInFlight = maxInFlight;
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    String id() {
        return plan.experimentId();
    }

    ExperimentPhase phase() {
        return phase;
    }

    /** Says it waits for a running slot. */
    void queue(SamplerOutput out, int running, int maxRunning, int waiting) {
        LOG.info(
                "experiment {}: queued ({} searches running, at most {}; {} waiting)",
                id(),
                running,
                maxRunning,
                waiting);
        out.report(ReportMessages.searchless(
                id(),
                SamplerHandler.SERVICE,
                Report.Phase.RUNNING,
                plan.settings().generations(),
                true));
    }

    /**
     * Begins the search: its first generation and a RUNNING report.
     *
     * @throws SearchExhaustedException when the space has too few feasible candidates (nothing is
     *     published then and the experiment stays queued, for the caller to fail)
     */
    void start(SamplerOutput out) {
        LOG.info(
                "experiment {}: {} search of space {}, seed {}",
                id(),
                plan.strategy().id(),
                plan.space().name(),
                plan.settings().seed());
        ExperimentRun started = ExperimentRun.start(plan);
        List<Candidate> first = started.ask();
        run = started;
        if (plan.objective().isCalibrated()) {
            calibration = new CalibrationRun(plan, List.of());
        }
        move(Event.ADMIT);
        send(first, out);
        out.report(searchReport(Report.Phase.RUNNING, 0));
    }

    /** A score of one of its candidates: may complete a generation, the calibration's wait or the search. */
    void onScore(Score score, SamplerOutput out) {
        if (!phase.isSearching() || run.isFinished()) {
            return; // a late duplicate
        }
        if (plan.objective().needsProbes() && !score.getSkipProbe() && !ScoreMessages.isProbed(score)) {
            if (!probeWaitLogged) {
                probeWaitLogged = true;
                LOG.info(
                        "experiment {}: objective {} waits for the prober's measurements (autost service prober)",
                        id(),
                        plan.objective());
            }
            return; // the prober's enriched score of this candidate follows
        }
        Measurement measured =
                ScoreMessages.measurement(score, plan.space().setting().syopsBatch());
        if (run.onScore(score.getGenomeHash(), measured).isEmpty()) {
            if (calibration != null) {
                List<TrainRequest> sample = calibration.sampleRequests(run, Set.of());
                if (!sample.isEmpty()) {
                    LOG.info(
                            "experiment {}: objective calibrated: training {} of the first generation before the"
                                    + " search goes on",
                            id(),
                            sample.size());
                    move(Event.CALIBRATE);
                    sample.forEach(out::train);
                    out.report(searchReport(Report.Phase.RUNNING, 0));
                }
            }
        } else {
            advanceOrFail(out, ReplayedRecords.NONE);
        }
        if (phase.isSearching() && run.unsent() > 0) {
            publish(run.release(maxInFlight), out); // the score freed a place
        }
    }

    /** A train result: for the calibration's choice, or the halving's promotions. */
    void onTrainResult(TrainResult result, SamplerOutput out) {
        boolean failed = !TrainMessages.succeeded(result);
        if (calibration != null) {
            calibration.result(
                    result.getGenomeHash(),
                    result.getTestAccuracy(),
                    result.getEpochTestAccuraciesList(),
                    result.getEpochTrainLossesList(),
                    failed);
            if (phase == ExperimentPhase.CALIBRATING
                    && !calibration.chooseFirst(run).isEmpty()) {
                move(Event.CALIBRATED);
                LOG.info("experiment {}: objective calibrated ranks by {}", id(), calibration.firstChoice());
                advanceOrFail(out, ReplayedRecords.NONE);
            }
        } else if (training != null) {
            training.warmStart(lab, result.getRecipeKey());
            promote(
                    training.halving()
                            .onResult(
                                    result.getGenomeHash(),
                                    result.getEpochTestAccuraciesList(),
                                    result.getEpochTrainLossesList(),
                                    failed),
                    out);
        }
    }

    /** Ends it as STOPPED with a report of where it stood; nothing if it is over. */
    void stop(SamplerOutput out) {
        switch (phase) {
            case QUEUED -> {
                LOG.info("experiment {}: stopped while queued", id());
                out.report(ReportMessages.searchless(
                        id(),
                        SamplerHandler.SERVICE,
                        Report.Phase.STOPPED,
                        plan.settings().generations(),
                        false));
            }
            case TRAINING -> {
                LOG.info("experiment {}: stopped while training by successive halving", id());
                out.report(training.report(Report.Phase.STOPPED, false));
            }
            case SEARCHING, CALIBRATING -> {
                LOG.info(
                        "experiment {}: stopped at generation {} after {} candidates",
                        id(),
                        run.generation(),
                        run.scored());
                out.report(searchReport(Report.Phase.STOPPED, 0));
            }
            default -> {
                return;
            }
        }
        end(Event.STOP);
    }

    /** Ends it as FAILED with the reason; nothing if it is over. */
    void fail(String reason, SamplerOutput out) {
        if (phase.isOver()) {
            return;
        }
        LOG.warn("experiment {}: failed: {}", id(), reason);
        Report.Builder r = ReportMessages.failure(id(), SamplerHandler.SERVICE, reason)
                .setGenerations(plan.settings().generations());
        if (run != null) {
            r.setGeneration(run.generation()).setCandidatesScored(run.scored());
        }
        out.report(r.build());
        end(Event.FAIL);
    }

    /** {@link #resume}, or FAILED when it cannot resume (then nothing of what resume collected is published). */
    void resumeOrFail(ReplayedRecords.Of replayed, boolean stopRequested, SamplerOutput out) {
        SamplerOutput resumed = new SamplerOutput();
        try {
            resume(replayed, stopRequested, resumed);
            out.take(resumed);
        } catch (SearchExhaustedException e) {
            fail(ExperimentPlan.infeasible(e), out);
        } catch (AutostException | IllegalArgumentException e) {
            // e.g. a stored score that no longer fits the plan: this experiment cannot resume, the others can.
            fail("cannot resume from the stored records: " + e.getMessage(), out);
        }
    }

    /**
     * After a restart: rebuilds the search from the stored scores (told with the recorded
     * calibration choices) and the training from the stored requests and results, then publishes
     * only what is missing; {@code stopRequested} ends it as STOPPED instead.
     */
    private void resume(ReplayedRecords.Of replayed, boolean stopRequested, SamplerOutput out) {
        Map<String, Measurement> known = new HashMap<>();
        replayed.scores.forEach((hash, s) -> {
            Measurement m = ScoreMessages.measurement(s, plan.space().setting().syopsBatch());
            if (plan.objective().isMeasured(m)) { // not probed yet: republished, scored and probed again
                known.put(hash, m);
            }
        });
        boolean calibrated = plan.objective().isCalibrated();
        ExperimentRun.Replayed r = ExperimentRun.replay(
                plan, known, calibrated ? CalibrationMessages.choices(replayed.calibration) : Map.of());
        run = r.run();
        move(Event.ADMIT);
        List<TrainRequest> calibrationRequests = new ArrayList<>();
        if (calibrated) {
            calibration = new CalibrationRun(plan, replayed.calibration);
            replayed.calibrationRequests.forEach(calibration::requestedBefore);
            replayed.results.forEach((hash, res) ->
                    calibration.result(hash, res.testAccuracy(), res.accuracies(), res.losses(), res.failed()));
            if (run.waitingForCalibration()) {
                calibrationRequests.addAll(calibration.sampleRequests(run, replayed.knownTrainings()));
                move(Event.CALIBRATE);
                if (!calibration.chooseFirst(run).isEmpty()) {
                    move(Event.CALIBRATED);
                    r = ExperimentRun.continueReplay(run, known); // the choice was made, not yet published
                }
            }
        }
        if (stopRequested) {
            stop(out);
            return;
        }
        calibrationRequests.forEach(out::train);
        if (run.isFinished()) {
            finish(out, replayed);
            return;
        }
        LOG.info(
                "experiment {}: resumed at generation {} ({} scores replayed, {} candidates to score again)",
                id(),
                run.generation(),
                r.replayedScores(),
                r.pending().size());
        if (r.pending().isEmpty() && !run.waitingForCalibration()) {
            advance(out, replayed); // told to its end before the restart, next generation not published
            return;
        }
        send(r.pending(), out);
        out.report(searchReport(Report.Phase.RUNNING, 0));
    }

    /** {@link #advance}, or FAILED when the space runs dry (what advance collected is dropped). */
    private void advanceOrFail(SamplerOutput out, ReplayedRecords.Of replayed) {
        SamplerOutput next = new SamplerOutput();
        try {
            advance(next, replayed);
            out.take(next);
        } catch (SearchExhaustedException e) {
            fail(ExperimentPlan.infeasible(e), out); // the score was fine; the space ran dry
        }
    }

    /** A generation is complete: the next one (with a calibrated objective's training), or the end. */
    private void advance(SamplerOutput out, ReplayedRecords.Of replayed) {
        if (run.isFinished()) {
            if (run.exhausted() != null) {
                LOG.info("experiment {}: search ended early: {}", id(), run.exhausted());
            }
            finish(out, replayed);
            return;
        }
        if (calibration != null && !run.waitingForCalibration() && run.outstanding() == 0) {
            String before = run.metricFor(run.generationsAsked());
            calibration
                    .atGeneration(run, run.generationsAsked(), replayed.knownTrainings())
                    .forEach(out::train);
            String after = run.metricFor(run.generationsAsked());
            if (before != null && !before.equals(after)) {
                LOG.info(
                        "experiment {}: objective calibrated ranks by {} from generation {} on",
                        id(),
                        after,
                        run.generationsAsked());
            }
        }
        List<Candidate> next = run.ask();
        if (next.isEmpty()) {
            return; // the generation is still being scored
        }
        send(next, out);
        out.report(searchReport(Report.Phase.RUNNING, 0));
    }

    /**
     * The search is over: its picks go to training with a SEARCH_DONE report; with successive
     * halving only the first rung, the training staying open until its last result.
     */
    private void finish(SamplerOutput out, ReplayedRecords.Of replayed) {
        List<Trial> ranking = run.ranking();
        List<Integer> picked = TrainingPicks.positions(plan, ranking, calibration);
        List<TrainRequest> requests = new ArrayList<>(picked.size());
        for (int i : picked) {
            requests.add(plan.trainRequest(ranking.get(i).candidate().genome(), i + 1, plan.firstEpochs()));
        }
        // The final report's top reaches down to the last trained pick, so every request's rank is in it.
        int deepest = picked.isEmpty() ? 0 : picked.get(picked.size() - 1) + 1;
        Report searchDone = searchReport(Report.Phase.SEARCH_DONE, deepest);
        LOG.info(
                "experiment {}: search done, {} candidates scored, {} train requests{}",
                id(),
                run.scored(),
                requests.size(),
                plan.halving().map(h -> " (successive halving, " + h + ")").orElse(""));
        // Calibrated: its trainings were the first training of their candidates; a pick among them
        // is not trained again, and the others count as trained candidates of the experiment.
        CalibrationRun calibrated = calibration;
        Set<String> calibratedHashes = calibrated == null ? Set.of() : calibrated.requested();
        run = null; // the report holds the top: the search state is no longer needed
        calibration = null;
        if (plan.halving().isEmpty()) {
            Set<String> trained = new LinkedHashSet<>(calibratedHashes);
            for (TrainRequest r : requests) {
                if (trained.add(r.getGenomeHash())) {
                    out.train(r);
                }
            }
            out.report(searchDone.toBuilder().setTrainExpected(trained.size()).build());
            end(Event.SEARCH_DONE);
            return;
        }
        HalvingRun halving = HalvingRun.afterSearch(plan, requests, searchDone, ranking, calibrated, replayed);
        halving.trainRequests(halving.halving().start()).forEach(out::train);
        training = halving;
        move(Event.HALVING_STARTED);
        replayed.results.values().stream() // after a restart: the recipe its results were trained with
                .map(ReplayedRecords.Result::recipeKey)
                .filter(k -> !k.isEmpty())
                .findFirst()
                .ifPresent(k -> halving.warmStart(lab, k));
        promote(halving.halving().promote(), out);
    }

    /** The requests of {@code promoted} and the report: open while rungs may still promote. */
    private void promote(List<SuccessiveHalving.Request> promoted, SamplerOutput out) {
        for (TrainRequest r : training.trainRequests(promoted)) {
            LOG.info("experiment {}: {} goes on to {} epochs", id(), r.getGenomeHash(), r.getEpochs());
            out.train(r);
        }
        boolean done = training.halving().isDone();
        out.report(training.report(Report.Phase.SEARCH_DONE, !done));
        if (done) {
            TrainingSchedule h = training.halving();
            LOG.info(
                    "experiment {}: successive halving done: {} trained, {} epochs of at most {}, per rung {}",
                    id(),
                    h.withResult(),
                    h.epochsRequested(),
                    h.budgetEpochs(),
                    h.finishedPerRung());
            end(Event.TRAINING_CLOSED);
        }
    }

    /** Holds back what the in-flight bound does not let out yet; the rest follows as scores come back. */
    private void send(List<Candidate> candidates, SamplerOutput out) {
        run.hold(candidates);
        publish(run.release(maxInFlight), out);
    }

    private void publish(List<Candidate> candidates, SamplerOutput out) {
        for (Candidate c : candidates) {
            out.candidate(id(), c, run.skipsProbe(c));
        }
    }

    private Report searchReport(Report.Phase phase, int topAtLeast) {
        List<Trial> ranking = run.ranking();
        int n = Math.min(ranking.size(), Math.max(Math.max(REPORT_TOP, plan.trainTopK()), topAtLeast));
        if (!ranking.isEmpty()) {
            meters.searchBestScore(id(), ranking.get(0).score());
        }
        meters.searchGeneration(id(), run.generation());
        var progress = new ReportMessages.SearchProgress(
                run.generation(),
                plan.settings().generations(),
                run.scored(),
                plan.trainEntrants(run.scored()),
                run.exhausted());
        return ReportMessages.search(id(), SamplerHandler.SERVICE, phase, progress, ranking.subList(0, n))
                .addAllCalibration(calibration == null ? List.of() : calibration.steps())
                .build();
    }

    private void move(Event event) {
        phase = phase.next(event);
    }

    /** Moves to an end and lets go of everything it held. */
    private void end(Event event) {
        move(event);
        run = null;
        calibration = null;
        training = null;
    }
}
