package dev.autost.scorer;

/**
 * A candidate names an experiment whose spec is not on {@code autost.experiments} (after
 * reading that topic to its end), or whose spec could not be used.
 */
public final class UnknownExperimentException extends ScorerException {

    private static final long serialVersionUID = 1L;

    public UnknownExperimentException(String message) {
        super(message);
    }
}
