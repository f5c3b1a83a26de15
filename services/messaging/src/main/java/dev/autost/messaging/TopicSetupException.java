package dev.autost.messaging;

/** A topic could not be created, or did not become usable before the deadline. */
public class TopicSetupException extends MessagingException {

    private static final long serialVersionUID = 1L;

    public TopicSetupException(String message) {
        super(message);
    }

    public TopicSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
