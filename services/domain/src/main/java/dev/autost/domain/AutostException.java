package dev.autost.domain;

/**
 * Base of every error the AutoST domain raises on purpose. Subclasses are named for
 * what went wrong, so callers (CLI, services) can map them to exit codes, HTTP
 * statuses or dead-letter reasons without parsing messages.
 */
public class AutostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AutostException(String message) {
        super(message);
    }

    public AutostException(String message, Throwable cause) {
        super(message, cause);
    }
}
