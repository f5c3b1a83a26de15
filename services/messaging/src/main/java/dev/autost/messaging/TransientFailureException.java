package dev.autost.messaging;

/**
 * A record could not be handled for a reason that passes (Kafka did not answer a read in time),
 * not for anything in the record. A {@link CommittingLoop} handler throws it to have its batch
 * handled again after a pause, uncommitted: dead-lettering the records would lose valid work, and
 * ending the process would take every other service of it down with them.
 */
public final class TransientFailureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TransientFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
