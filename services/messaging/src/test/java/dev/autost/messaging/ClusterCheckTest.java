package dev.autost.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Paths that need no broker; refusals by a real SASL_SSL broker are in {@link SecureEmbeddedBrokerIT}. */
class ClusterCheckTest {
    @AfterEach
    void plainClients() {
        KafkaClients.useConfig(Map.of());
    }

    @Test
    void awaitCluster_nothingListening_failsAfterTheTimeoutNamingTheAddress() throws IOException {
        String address = "127.0.0.1:" + closedPort();
        try (Admin admin = KafkaClients.admin(address)) {
            long begin = System.nanoTime();
            MessagingException e = assertThrows(
                    MessagingException.class, () -> ClusterCheck.awaitCluster(admin, address, Duration.ofSeconds(2)));
            long ms = (System.nanoTime() - begin) / 1_000_000;
            assertFalse(e instanceof ClusterRefusedException, "nothing refused it: nothing answered");
            assertTrue(
                    e.getMessage().startsWith("Kafka at " + address + " did not answer within PT2S"), e.getMessage());
            assertTrue(ms < 10_000, "took " + ms + " ms");
        }
    }

    @Test
    void tlsProbe_closedPortOrPlainServer_isNotTls() throws IOException {
        assertFalse(TlsProbe.speaksTls("127.0.0.1", closedPort(), 1_000));
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // Accepts and says nothing: the handshake times out, which is not TLS either.
            assertFalse(TlsProbe.speaksTls("127.0.0.1", silent.getLocalPort(), 500));
        }
    }

    @Test
    void useConfig_replacesTheFilePropertiesOfLaterClients() {
        KafkaClients.useConfig(Map.of("security.protocol", "SASL_SSL"));
        assertEquals(Map.of("security.protocol", "SASL_SSL"), KafkaClients.config());
        assertEquals("SASL_SSL", KafkaClients.securityProtocol());
        KafkaClients.useConfig(Map.of());
        assertEquals("PLAINTEXT", KafkaClients.securityProtocol());
    }

    @Test
    void admin_truststoreThatDoesNotLoad_failsInOneLineNamingTheFile() {
        KafkaClients.useConfig(Map.of(
                "security.protocol", "SSL",
                "ssl.truststore.location", "/nonexistent/truststore.p12",
                "ssl.truststore.type", "PKCS12",
                "ssl.truststore.password", "x"));
        MessagingException e = assertThrows(MessagingException.class, () -> KafkaClients.admin("127.0.0.1:1"));
        assertTrue(
                e.getMessage().startsWith("cannot make a Kafka admin client from the client settings"), e.getMessage());
        assertTrue(e.getMessage().contains("/nonexistent/truststore.p12"), e.getMessage());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
