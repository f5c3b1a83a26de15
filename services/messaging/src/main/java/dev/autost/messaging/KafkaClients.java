package dev.autost.messaging;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Every Kafka client of AutoST is built here, so each service gets the same guarantees: bytes
 * in and out (protobuf on top), idempotent producers with {@code acks=all}, consumers that never
 * commit by themselves. The operator's client properties ({@link KafkaClientProperties}: TLS,
 * SASL, timeouts) go into every client.
 */
public final class KafkaClients {
    /** Consumer-group session timeout: how long a silently dead member keeps its partitions. */
    public static final int SESSION_TIMEOUT_MS = 10_000;

    private static volatile Map<String, String> fileProperties = Map.of();

    private KafkaClients() {}

    /**
     * Reads {@code --kafka-config FILE} for every client this process builds from now on (call it
     * before any service starts).
     *
     * @throws IllegalArgumentException naming the file when it cannot be read
     */
    public static void useConfigFile(Path file) {
        useConfig(KafkaClientProperties.load(file));
    }

    /**
     * Replaces the file properties of every client this process builds from now on: what an
     * embedded secure broker's services use (its client properties), and what tests restore.
     */
    public static void useConfig(Map<String, String> properties) {
        fileProperties = Map.copyOf(properties);
    }

    /** The file properties in use ({@link #useConfigFile}, {@link #useConfig}), without the environment's. */
    public static Map<String, String> config() {
        return fileProperties;
    }

    /** The {@code security.protocol} every client of this process uses (PLAINTEXT unless configured). */
    static String securityProtocol() {
        return String.valueOf(operatorProperties().getOrDefault("security.protocol", "PLAINTEXT"));
    }

    /** Idempotent, acks=all: an acknowledged record is durable and never duplicated by retries. */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers, String clientId) {
        return build("producer", () -> new KafkaProducer<>(producerConfig(bootstrapServers, clientId)));
    }

    static Map<String, Object> producerConfig(String bootstrapServers, String clientId) {
        Map<String, Object> config = operatorProperties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A few ms of batching: services emit whole generations at once.
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        // Train requests in turn over the partitions, so that trainers share them; the rest by key.
        config.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, TrainRequestPartitioner.class);
        return config;
    }

    /** An admin client (topic creation, lag) with the operator's properties. */
    public static Admin admin(String bootstrapServers) {
        Map<String, Object> config = operatorProperties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return build("admin client", () -> Admin.create(config));
    }

    /** A group-less consumer for {@link ReplayingLoop} and {@link TopicReader}: assigned, never commits. */
    public static KafkaConsumer<byte[], byte[]> replayingConsumer(String bootstrapServers, String clientId) {
        return build("consumer", () -> new KafkaConsumer<>(consumerConfig(bootstrapServers, clientId)));
    }

    /**
     * A consumer-group member for {@link CommittingLoop}: offsets committed by hand after the
     * outputs are acknowledged; a new group starts at the earliest record, so nothing published
     * before it is skipped.
     *
     * @param settings further consumer settings (batch size, assignor)
     */
    public static KafkaConsumer<byte[], byte[]> groupConsumer(
            String bootstrapServers, String groupId, String clientId, Map<String, Object> settings) {
        Map<String, Object> config = consumerConfig(bootstrapServers, clientId);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        // A member killed without leaving (kill -9, OOM, lost node) holds its partitions until its
        // session times out: 45 s by default, during which its share of the work stalls. 10 s
        // (heartbeats every 3 s; the broker's floor is 6 s) hands them on within ~15 s.
        config.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
        config.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, SESSION_TIMEOUT_MS / 3);
        config.putAll(settings);
        return build("consumer", () -> new KafkaConsumer<>(config));
    }

    /**
     * A client, or one line naming what in the operator's settings it could not use (a truststore
     * that does not load, a wrong store password, an unknown mechanism) instead of a stack trace.
     *
     * @throws MessagingException when Kafka refuses to build the client from the settings
     */
    private static <T> T build(String what, Supplier<T> client) {
        try {
            return client.get();
        } catch (KafkaException e) {
            String reason = e.getMessage();
            Throwable root = e;
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof KafkaException) {
                    reason = t.getMessage();
                }
                root = t;
            }
            String detail = root == e || root.getMessage() == null || reason.contains(root.getMessage())
                    ? reason
                    : reason + ": " + root.getMessage();
            throw new MessagingException(
                    "cannot make a Kafka " + what + " from the client settings (--kafka-config, "
                            + KafkaClientProperties.ENV_PREFIX + "*): " + detail,
                    e);
        }
    }

    /**
     * The operator's properties (file, then environment) under ours: the settings the delivery
     * guarantees rest on (acks, idempotence, manual commits, byte serdes) cannot be overridden.
     */
    private static Map<String, Object> operatorProperties() {
        Map<String, Object> config = new HashMap<>(fileProperties);
        config.putAll(KafkaClientProperties.fromEnvironment(System.getenv()));
        return config;
    }

    static Map<String, Object> consumerConfig(String bootstrapServers, String clientId) {
        Map<String, Object> config = operatorProperties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return config;
    }
}
