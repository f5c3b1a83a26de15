package dev.autost.scorer;

import dev.autost.domain.AutostException;

/** Base of the errors the scorer raises on purpose. */
public class ScorerException extends AutostException {

    private static final long serialVersionUID = 1L;

    public ScorerException(String message) {
        super(message);
    }

    public ScorerException(String message, Throwable cause) {
        super(message, cause);
    }
}
