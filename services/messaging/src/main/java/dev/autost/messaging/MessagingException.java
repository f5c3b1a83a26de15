package dev.autost.messaging;

/** An error of the messaging plumbing: a topic that cannot be created or read, a broker that does not answer in time. */
public class MessagingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MessagingException(String message) {
        super(message);
    }

    public MessagingException(String message, Throwable cause) {
        super(message, cause);
    }
}
