package dev.autost.messaging;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/** Failure paths that need no broker; the happy path is in {@link EmbeddedKafkaBrokerIT}. */
class TopicAdminTest {

    @Test
    void ensureTopics_noBrokerListening_failsNamingTopic() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                "127.0.0.1:" + closedPort,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG,
                200);
        Admin admin = Admin.create(config);
        try {
            MessagingException e = assertThrows(
                    MessagingException.class,
                    () -> TopicAdmin.ensureTopics(
                            admin,
                            List.of(TopicSpec.compacted("autost.test-unreachable", 1, (short) 1)),
                            Duration.ofSeconds(1)));

            assertTrue(e.getMessage().contains("autost.test-unreachable"), e.getMessage());
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }
}
