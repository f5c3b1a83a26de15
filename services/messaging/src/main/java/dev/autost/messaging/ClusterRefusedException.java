package dev.autost.messaging;

/**
 * The Kafka cluster refused this process's clients: a failed SSL handshake or SASL
 * authentication, or a TLS listener reached without TLS. Waiting longer would not help; the
 * message names the address and what to pass instead.
 */
public class ClusterRefusedException extends MessagingException {
    private static final long serialVersionUID = 1L;

    /** @param cause the client's error underneath, or null */
    public ClusterRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
