package dev.autost.models.train;

/** Progress callbacks, called on the training thread. */
public interface EpochListener {
    /** After every optimiser step (cheap: the loss is already on the host). */
    default void onStep(int epoch, long stepInEpoch, long stepsPerEpoch, double loss) {}

    /**
     * After each epoch and its checkpoint.
     *
     * @return false to stop after this epoch (the checkpoint lets a later run resume)
     */
    default boolean onEpoch(EpochReport report) {
        return true;
    }

    EpochListener NONE = new EpochListener() {};
}
