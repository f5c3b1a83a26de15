package dev.autost.domain.genome;

import dev.autost.domain.AutostException;

/** A genome is malformed, or does not fit the model setting or space it is used with. */
public final class InvalidGenomeException extends AutostException {
    private static final long serialVersionUID = 1L;

    public InvalidGenomeException(String message) {
        super(message);
    }

    public InvalidGenomeException(String message, Throwable cause) {
        super(message, cause);
    }
}
