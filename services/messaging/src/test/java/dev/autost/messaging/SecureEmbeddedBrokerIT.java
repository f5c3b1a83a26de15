package dev.autost.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.broker.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embedded broker with {@code optSecure()}: a SASL_SSL listener with SCRAM-SHA-512 that
 * serves clients holding its client properties, refuses the others quickly and by name, keeps
 * its secrets owner-only, and comes back with the same CA, user and address.
 */
class SecureEmbeddedBrokerIT {
    /** Broker data under target/ so a killed test JVM leaves nothing in /tmp. */
    private static final Path DATA_PARENT = Path.of("target", "secure-kafka");
    /** Generous for a loaded 2-core machine; a refused client used to wait out the whole 60 s timeout. */
    private static final long REFUSAL_BOUND_MS = 20_000;

    private static EmbeddedKafkaBroker broker;
    private static Path dataDir;

    @BeforeAll
    static void startBroker() throws IOException {
        dataDir = Files.createDirectories(DATA_PARENT).resolve("shared-" + System.nanoTime());
        broker = EmbeddedKafkaBroker.builder()
                .optDataDir(dataDir)
                .optSecure()
                .build()
                .start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
        deleteRecursively(DATA_PARENT);
    }

    @AfterEach
    void plainClients() {
        KafkaClients.useConfig(Map.of());
    }

    @Test
    void start_secure_writesClientPropertiesAndSecretsOwnerOnly() throws IOException {
        assertTrue(broker.secure());
        Path clientProperties = broker.clientProperties().orElseThrow();
        assertEquals(dataDir.toAbsolutePath().resolve("client.properties"), clientProperties);
        Map<String, String> props = KafkaClientProperties.load(clientProperties);
        assertEquals("SASL_SSL", props.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", props.get("sasl.mechanism"));
        assertEquals("PKCS12", props.get("ssl.truststore.type"));
        assertTrue(props.get("sasl.jaas.config").contains("ScramLoginModule required username=\"autost\""));
        assertTrue(Files.isRegularFile(Path.of(props.get("ssl.truststore.location"))));
        assertEquals(broker.clientConfig(), props);

        assertEquals("rw-------", permissions(clientProperties));
        assertEquals("rwx------", permissions(dataDir), "the data dir (topics, metadata log)");
        assertEquals("rw-------", permissions(dataDir.resolve("server.properties")));
        Path security = dataDir.resolve("security");
        assertEquals("rwx------", permissions(security));
        try (Stream<Path> files = Files.list(security)) {
            List<Path> all = files.toList();
            assertTrue(all.size() >= 4, "CA, keystore, truststore and secrets: " + all);
            for (Path f : all) {
                assertEquals("rw-------", permissions(f), f.toString());
            }
        }
    }

    @Test
    void clients_withClientProperties_createTopicsProduceAndConsumeOverSaslSsl() throws Exception {
        KafkaClients.useConfigFile(broker.clientProperties().orElseThrow());
        String topic = "autost.it.secure";
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            ClusterCheck.awaitCluster(admin, broker.bootstrapServers(), Duration.ofSeconds(60));
            TopicAdmin.ensureTopics(
                    admin,
                    List.of(TopicSpec.retained(topic, 1, (short) 1, Duration.ofHours(1))),
                    Duration.ofSeconds(60));
        }
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrapServers(), "it-secure")) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, bytes("k" + i), bytes("v" + i)))
                        .get(30, TimeUnit.SECONDS);
            }
        }
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                KafkaClients.replayingConsumer(broker.bootstrapServers(), "it-secure")) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < 10 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        assertEquals(10, values.size(), "records read back over SASL_SSL: " + values);
        assertEquals("v9", values.get(9));
    }

    @Test
    void awaitCluster_clientWithoutTls_refusedQuicklyNamingTheListener() {
        ClusterRefusedException e = refusal(Map.of());
        assertTrue(
                e.getMessage().contains("Kafka at " + broker.bootstrapServers() + " refused the connection"),
                e.getMessage());
        assertTrue(e.getMessage().contains("speaks TLS"), e.getMessage());
        assertTrue(e.getMessage().contains("--kafka-config"), e.getMessage());
    }

    @Test
    void awaitCluster_wrongPassword_refusedQuicklyNamingSasl() {
        Map<String, String> wrong = new HashMap<>(broker.clientConfig());
        wrong.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"autost\""
                        + " password=\"not-the-password\";");
        ClusterRefusedException e = refusal(wrong);
        assertTrue(e.getMessage().contains("SASL authentication failed"), e.getMessage());
        assertTrue(e.getMessage().contains(broker.bootstrapServers()), e.getMessage());
        assertFalse(e.getMessage().contains(broker.clientConfig().get("ssl.truststore.password")), "no secret in it");
    }

    @Test
    void awaitCluster_withoutTheBrokersTruststore_refusedQuicklyNamingSsl() {
        Map<String, String> untrusted = new HashMap<>(broker.clientConfig());
        untrusted.keySet().removeIf(k -> k.startsWith("ssl.truststore."));
        ClusterRefusedException e = refusal(untrusted);
        assertTrue(e.getMessage().contains("the SSL handshake failed"), e.getMessage());
    }

    @Test
    void start_againOnTheSameDir_reusesCaUserAndAddressAndStaysSecure() throws Exception {
        Path dir = DATA_PARENT.resolve("restart-" + System.nanoTime());
        String address;
        Map<String, String> clientConfig;
        byte[] truststore;
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder()
                .optDataDir(dir)
                .optSecure()
                .build()
                .start()) {
            address = first.bootstrapServers();
            clientConfig = first.clientConfig();
            truststore = Files.readAllBytes(Path.of(clientConfig.get("ssl.truststore.location")));
        }
        // Started without optSecure(): a data dir that was secure never comes back open.
        try (EmbeddedKafkaBroker second =
                EmbeddedKafkaBroker.builder().optDataDir(dir).build().start()) {
            assertTrue(second.secure());
            assertEquals(address, second.bootstrapServers());
            assertEquals(clientConfig, second.clientConfig(), "same user, password and truststore");
            assertArrayEquals(truststore, Files.readAllBytes(Path.of(clientConfig.get("ssl.truststore.location"))));
            KafkaClients.useConfig(clientConfig);
            try (Admin admin = KafkaClients.admin(second.bootstrapServers())) {
                ClusterCheck.awaitCluster(admin, second.bootstrapServers(), Duration.ofSeconds(60));
            }
        }
    }

    @Test
    void start_secureOnADataDirFormattedWithout_refusesNamingWhy() {
        Path dir = DATA_PARENT.resolve("plain-" + System.nanoTime());
        try (EmbeddedKafkaBroker plain =
                EmbeddedKafkaBroker.builder().optDataDir(dir).build().start()) {
            assertFalse(plain.secure());
            String[] hostPort = plain.bootstrapServers().split(":");
            assertFalse(
                    TlsProbe.speaksTls(hostPort[0], Integer.parseInt(hostPort[1]), 3_000),
                    "a PLAINTEXT listener is not taken for TLS");
        }
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> EmbeddedKafkaBroker.builder()
                        .optDataDir(dir)
                        .optSecure()
                        .build()
                        .start());
        assertTrue(e.getMessage().contains("formatted without security"), e.getMessage());
    }

    /** Waits for the broker with {@code config} and returns the refusal, checking it came within the bound. */
    private static ClusterRefusedException refusal(Map<String, String> config) {
        KafkaClients.useConfig(config);
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            long begin = System.nanoTime();
            ClusterRefusedException e = assertThrows(
                    ClusterRefusedException.class,
                    () -> ClusterCheck.awaitCluster(admin, broker.bootstrapServers(), Duration.ofSeconds(60)));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
            assertTrue(ms < REFUSAL_BOUND_MS, "refused after " + ms + " ms, not within " + REFUSAL_BOUND_MS);
            return e;
        }
    }

    private static String permissions(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // left for mvn clean
        }
    }
}
