package dev.autost.messaging;

import dev.autost.domain.AutostException;

/**
 * A candidate names an experiment whose spec is not on {@code autost.experiments} (after
 * reading that topic to its end), or whose spec could not be used.
 */
public final class UnknownExperimentException extends AutostException {

    private static final long serialVersionUID = 1L;

    public UnknownExperimentException(String message) {
        super(message);
    }
}
