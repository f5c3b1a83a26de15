package dev.autost.messaging.codec;

import dev.autost.proto.v1.Report;

/** What a {@link Report}'s phase means to its readers. Stateless. */
public final class ReportMessages {
    private ReportMessages() {}

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
