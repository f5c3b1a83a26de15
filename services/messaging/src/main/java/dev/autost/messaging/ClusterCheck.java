package dev.autost.messaging;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * Waits until a Kafka cluster answers this process's admin client, and fails at once when the
 * cluster refuses it, instead of retrying until a timeout: Kafka clients retry a refused
 * connection like an absent broker. Call it before the first topic operation.
 */
public final class ClusterCheck {
    /** One describeCluster attempt; a broker that answers does so in milliseconds. */
    private static final int ATTEMPT_MS = 3_000;

    private static final String HINT =
            "pass --kafka-config with the broker's client properties (an embedded --secure broker writes"
                    + " DATA_DIR/client.properties) or set AUTOST_KAFKA_* variables";

    private ClusterCheck() {}

    /**
     * Returns once {@code describeCluster} answers.
     *
     * @param bootstrapServers the addresses {@code admin} was built with, for messages and the TLS probe
     * @throws ClusterRefusedException when the SSL handshake or SASL authentication fails, or the
     *     listener speaks TLS and this client does not; the message names the address
     * @throws MessagingException when nothing answers within {@code timeout}
     */
    public static void awaitCluster(Admin admin, String bootstrapServers, Duration timeout) {
        Objects.requireNonNull(admin, "admin");
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable lastError = null;
        while (true) {
            long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remainingMs <= 0) {
                throw new MessagingException(
                        "Kafka at " + bootstrapServers + " did not answer within " + timeout
                                + (lastError == null ? "" : " (last error: " + lastError + ")"),
                        lastError);
            }
            int attemptMs = (int) Math.min(ATTEMPT_MS, remainingMs);
            try {
                admin.describeCluster(new DescribeClusterOptions().timeoutMs(attemptMs))
                        .nodes()
                        .get(attemptMs + 1_000L, TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AuthenticationException refused) {
                    throw refused(bootstrapServers, refused);
                }
                lastError = e.getCause();
            } catch (TimeoutException e) {
                lastError = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MessagingException("Interrupted while waiting for Kafka at " + bootstrapServers, e);
            }
            failIfTlsWithoutTls(bootstrapServers);
        }
    }

    private static ClusterRefusedException refused(String bootstrapServers, AuthenticationException e) {
        String what = e instanceof SslAuthenticationException
                ? "the SSL handshake failed"
                : e instanceof SaslAuthenticationException ? "SASL authentication failed" : "authentication failed";
        return new ClusterRefusedException(
                "Kafka at " + bootstrapServers + " refused the connection: " + what + " (" + e.getMessage() + "); "
                        + HINT,
                e);
    }

    /** A client without TLS on a TLS listener only ever sees closed connections; ask the port. */
    private static void failIfTlsWithoutTls(String bootstrapServers) {
        String protocol = KafkaClients.securityProtocol().toUpperCase(Locale.ROOT);
        if (protocol.contains("SSL")) {
            return;
        }
        String first = bootstrapServers.split(",")[0].trim();
        int colon = first.lastIndexOf(':');
        if (colon < 0) {
            return;
        }
        String host = first.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(first.substring(colon + 1));
        } catch (NumberFormatException e) {
            return;
        }
        if (TlsProbe.speaksTls(host, port, ATTEMPT_MS)) {
            throw new ClusterRefusedException(
                    "Kafka at " + first + " refused the connection: it speaks TLS (an SSL or SASL_SSL listener)"
                            + " and this client uses security.protocol=" + protocol + "; " + HINT,
                    null);
        }
    }
}
