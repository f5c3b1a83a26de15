package dev.autost.messaging.codec;

import dev.autost.domain.search.Trial;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.RankedCandidate;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.Score;
import java.util.List;

/**
 * {@link Report}s: what a phase means to their readers, and one builder per kind of report
 * (every report starts with {@link #of}). Stateless.
 */
public final class ReportMessages {
    private ReportMessages() {}

    /** The start of every report: the schema version, the experiment, its phase and who says so. */
    public static Report.Builder of(String experimentId, Report.Phase phase, String source) {
        return Report.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(experimentId)
                .setPhase(phase)
                .setSource(source);
    }

    /** A FAILED report with its reason. */
    public static Report.Builder failure(String experimentId, String source, String reason) {
        return of(experimentId, Report.Phase.FAILED, source).setFailureReason(reason);
    }

    /** The report of an experiment whose search has not begun: waiting in the queue, or stopped there. */
    public static Report searchless(
            String experimentId, String source, Report.Phase phase, int generations, boolean queued) {
        return of(experimentId, phase, source)
                .setGenerations(generations)
                .setQueued(queued)
                .build();
    }

    /**
     * A search's report without its calibration and training figures: its progress and its best
     * trials, best first, each summarised from the score message the scorer would have built.
     */
    public static Report.Builder search(
            String experimentId, String source, Report.Phase phase, SearchProgress progress, List<Trial> top) {
        Report.Builder r = of(experimentId, phase, source)
                .setGeneration(progress.generation())
                .setGenerations(progress.generations())
                .setCandidatesScored(progress.scored())
                .setTrainExpected(progress.trainExpected());
        if (progress.endedEarly() != null) {
            r.setEndedEarly(progress.endedEarly());
        }
        if (!top.isEmpty()) {
            r.setBestScore(top.get(0).score());
        }
        for (Trial t : top) {
            r.addTop(ranked(experimentId, t, source));
        }
        return r;
    }

    /** Where a search stands, for {@link #search}; {@code endedEarly} is null unless the space ran out. */
    public record SearchProgress(int generation, int generations, int scored, int trainExpected, String endedEarly) {}

    /** A trial as a report entry: its score message as the scorer would have built it, summarised. */
    public static RankedCandidate ranked(String experimentId, Trial t, String source) {
        Score s = ScoreMessages.score(
                CandidateMessages.toProto(experimentId, t.candidate()),
                t.candidate().genome(),
                t.outcome().cost(),
                source);
        return ScoreMessages.ranked(s).build();
    }

    /** FINISHED, STOPPED and FAILED end an experiment for good: nothing about it changes after. */
    public static boolean isFinal(Report.Phase p) {
        return p == Report.Phase.FINISHED || p == Report.Phase.STOPPED || p == Report.Phase.FAILED;
    }

    /**
     * A sampler's report saying its search and all the training it will ask for are over:
     * SEARCH_DONE with training closed (halving keeps it open until its last promotion trained).
     */
    public static boolean searchAndTrainingDone(Report search) {
        return search.getPhase() == Report.Phase.SEARCH_DONE && !search.getTrainingOpen();
    }

    /**
     * An experiment's phase from its two reporters (either may be null): the evaluator's final
     * word wins over the sampler's; before the sampler's first report it is unspecified.
     */
    public static Report.Phase current(Report search, Report evaluation) {
        if (evaluation != null && isFinal(evaluation.getPhase())) {
            return evaluation.getPhase();
        }
        return search == null ? Report.Phase.PHASE_UNSPECIFIED : search.getPhase();
    }
}
