package dev.autost.messaging;

import dev.autost.domain.AutostException;

/**
 * An error of the messaging plumbing: a topic that cannot be created or read, a broker that does
 * not answer in time. An {@link AutostException}, so the CLI reports it as one line.
 */
public class MessagingException extends AutostException {
    private static final long serialVersionUID = 1L;

    /** @param cause what failed underneath, or null */
    public MessagingException(String message, Throwable cause) {
        super(message, cause);
    }
}
