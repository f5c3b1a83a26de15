package dev.autost.domain.fidelity;

import dev.autost.domain.fidelity.SuccessiveHalving.Request;
import java.util.List;

/**
 * How an experiment trains after its search: which candidate trains for how many epochs next,
 * decided from the results so far, within a budget of epochs. Its state is what the topics hold
 * (the epochs last requested per candidate and its last result), so a restarted sampler that
 * replays them ({@link #requested}, {@link #record}) rebuilds the same state and publishes only
 * what is missing. Implementations: {@link SuccessiveHalving}, {@link ModelBasedTraining}.
 * Not thread-safe.
 */
public interface TrainingSchedule {
    /** The first requests not published yet. */
    List<Request> start();

    /** A request published before (a replay): the candidate trains to at least {@code epochs}. */
    void requested(String genomeHash, int epochs);

    /**
     * A result known before (a replay): recorded, nothing requested.
     *
     * @param epochAccuracies test accuracy after each epoch, epoch 1 first
     * @param epochLosses     mean training loss of each epoch (empty when the result has none)
     */
    void record(String genomeHash, List<Double> epochAccuracies, List<Double> epochLosses, boolean failed);

    /** A result without training losses. */
    default void record(String genomeHash, List<Double> epochAccuracies, boolean failed) {
        record(genomeHash, epochAccuracies, List.of(), failed);
    }

    /** A result: recorded, then what it lets go on ({@link #promote}). */
    default List<Request> onResult(
            String genomeHash, List<Double> epochAccuracies, List<Double> epochLosses, boolean failed) {
        record(genomeHash, epochAccuracies, epochLosses, failed);
        return promote();
    }

    /** A result without training losses. */
    default List<Request> onResult(String genomeHash, List<Double> epochAccuracies, boolean failed) {
        return onResult(genomeHash, epochAccuracies, List.of(), failed);
    }

    /** What may be requested now, given the results in. */
    List<Request> promote();

    /** No training running and none to request: the last result is in. */
    boolean isDone();

    /** Epochs of the training set requested so far. */
    long epochsRequested();

    /** The most epochs it may request. */
    long budgetEpochs();

    /** Candidates it trains when every training it may request is requested. */
    int expectedTrainings();

    /** Candidates with a result (OK or failed). */
    int withResult();

    /** Results per stage, for the log: per rung for halving. */
    List<Integer> finishedPerRung();
}
