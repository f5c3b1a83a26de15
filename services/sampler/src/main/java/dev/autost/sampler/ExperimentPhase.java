package dev.autost.sampler;

import dev.autost.messaging.codec.ReportMessages;
import dev.autost.proto.v1.Report;

/**
 * Where one experiment is in its life at the sampler, and the one function that moves it on
 * ({@link #next}). Every experiment starts {@link #QUEUED}; {@link #DONE}, {@link #STOPPED} and
 * {@link #FAILED} are over: nothing follows them, and the sampler keeps no state for them.
 */
enum ExperimentPhase {
    /** Waiting for a running slot; nothing asked yet. */
    QUEUED,
    /** Its search asks and tells candidates. */
    SEARCHING,
    /** Objective calibrated: the search waits for its calibration sample's trainings. */
    CALIBRATING,
    /** Search done, training by successive halving: results may promote candidates. */
    TRAINING,
    /** Search and all the training it asks for published. */
    DONE,
    STOPPED,
    FAILED;

    /** What happens to an experiment. */
    enum Event {
        /** A running slot is free: the search begins (or resumes after a restart). */
        ADMIT,
        /** The first generation is measured and its calibration sample goes to the trainers. */
        CALIBRATE,
        /** The calibration sample is trained and the metric chosen: the search goes on. */
        CALIBRATED,
        /** The search ended and its train requests are out; no training result is awaited. */
        SEARCH_DONE,
        /** The search ended and its first rung is out; the rungs' results decide what follows. */
        HALVING_STARTED,
        /** The last rung's last result is in. */
        TRAINING_CLOSED,
        STOP,
        FAIL
    }

    /**
     * How a sampler's report ends its experiment, or null while it is open: a final phase, or
     * SEARCH_DONE with its training closed (open, it resumes from the scores, requests and results).
     */
    static ExperimentPhase endedBy(Report report) {
        if (!ReportMessages.isFinal(report.getPhase()) && !ReportMessages.searchAndTrainingDone(report)) {
            return null;
        }
        return switch (report.getPhase()) {
            case FAILED -> FAILED;
            case STOPPED -> STOPPED;
            default -> DONE;
        };
    }

    /** The phases that end an experiment for good. */
    boolean isOver() {
        return this == DONE || this == STOPPED || this == FAILED;
    }

    /** Holds a search (and so a running slot). */
    boolean isSearching() {
        return this == SEARCHING || this == CALIBRATING;
    }

    /**
     * The phase after {@code event}.
     *
     * @throws IllegalStateException when the event cannot happen in this phase (a sampler bug)
     */
    ExperimentPhase next(Event event) {
        ExperimentPhase next = switch (event) {
            case STOP -> isOver() ? null : STOPPED;
            case FAIL -> isOver() ? null : FAILED;
            case ADMIT -> this == QUEUED ? SEARCHING : null;
            case CALIBRATE -> this == SEARCHING ? CALIBRATING : null;
            case CALIBRATED -> this == CALIBRATING ? SEARCHING : null;
            case SEARCH_DONE -> isSearching() ? DONE : null;
            case HALVING_STARTED -> isSearching() ? TRAINING : null;
            case TRAINING_CLOSED -> this == TRAINING ? DONE : null;
        };
        if (next == null) {
            throw new IllegalStateException("an experiment " + this + " cannot take " + event);
        }
        return next;
    }
}
