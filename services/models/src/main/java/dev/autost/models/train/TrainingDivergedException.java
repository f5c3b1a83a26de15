package dev.autost.models.train;

/** The loss became NaN or infinite; the message says at which epoch and step. */
public class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(String message) {
        super(message);
    }
}
