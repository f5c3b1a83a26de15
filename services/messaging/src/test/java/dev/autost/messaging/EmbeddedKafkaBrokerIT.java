package dev.autost.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.broker.EmbeddedKafkaBroker;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.CandidateMessage;
import dev.autost.proto.v1.GenomeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A real broker in this JVM: topic creation, no record loss, compaction settings, shutdown. */
class EmbeddedKafkaBrokerIT {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBrokerIT.class);

    private static final int RECORDS = 10_000;
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);
    /** Broker data under target/ so a killed test JVM leaves nothing in /tmp. */
    private static final Path DATA_PARENT = Path.of("target", "embedded-kafka");

    private static EmbeddedKafkaBroker broker;
    private static Admin admin;

    @BeforeAll
    static void startBroker() {
        long begin = System.nanoTime();
        broker = EmbeddedKafkaBroker.builder()
                .optTempDirParent(DATA_PARENT)
                .build()
                .start();
        LOG.info("broker start took {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void ensureTopics_thenProduceImmediately_consumesEveryRecord() throws Exception {
        String topic = "autost.it.no-loss";
        Set<String> created = TopicAdmin.ensureTopics(
                admin, List.of(TopicSpec.retained(topic, 3, (short) 1, Duration.ofHours(1))), TOPIC_TIMEOUT);
        assertEquals(Set.of(topic), created);

        long produceBegin = System.nanoTime();
        AtomicInteger failures = new AtomicInteger();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(broker.bootstrapServers()))) {
            for (int i = 0; i < RECORDS; i++) {
                CandidateMessage candidate = candidate(i);
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                Topics.genomeKey("exp-it", candidate.getGenomeHash())
                                        .getBytes(StandardCharsets.UTF_8),
                                candidate.toByteArray()),
                        (metadata, error) -> {
                            if (error != null) {
                                failures.incrementAndGet();
                                firstFailure.compareAndSet(null, error);
                            }
                        });
            }
            producer.flush();
        }
        assertEquals(0, failures.get(), () -> "send failures, first: " + firstFailure.get());
        long produceMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - produceBegin);

        long consumeBegin = System.nanoTime();
        BitSet seen = consumeSequences(broker.bootstrapServers(), topic, 3, RECORDS);
        long consumeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - consumeBegin);
        LOG.info(
                "produced {} records in {} ms, consumed {} distinct in {} ms",
                RECORDS,
                produceMs,
                seen.cardinality(),
                consumeMs);
        assertEquals(RECORDS, seen.cardinality(), "distinct sequences consumed");
        assertEquals(RECORDS, seen.nextClearBit(0), "sequences 0.." + (RECORDS - 1));
    }

    @Test
    void ensureTopics_calledTwice_createsOnceAndStateTopicsAreCompacted() throws Exception {
        TopicAdmin.ensureTopics(admin, Topics.defaults(), TOPIC_TIMEOUT);
        Set<String> createdAgain = TopicAdmin.ensureTopics(admin, Topics.defaults(), TOPIC_TIMEOUT);
        assertTrue(createdAgain.isEmpty(), "second call creates nothing: " + createdAgain);

        List<ConfigResource> resources = Topics.defaults().stream()
                .map(spec -> new ConfigResource(ConfigResource.Type.TOPIC, spec.name()))
                .toList();
        Map<ConfigResource, Config> configs =
                admin.describeConfigs(resources).all().get(10, TimeUnit.SECONDS);
        Map<String, String> policies = configs.entrySet().stream()
                .collect(Collectors.toMap(
                        e -> e.getKey().name(),
                        e -> e.getValue().get(TopicConfig.CLEANUP_POLICY_CONFIG).value()));
        for (TopicSpec spec : Topics.defaults()) {
            String expected = spec.compacted() ? "compact" : "delete";
            assertEquals(expected, policies.get(spec.name()), spec.name());
            if (!spec.compacted()) {
                assertEquals(
                        spec.configs().get(TopicConfig.RETENTION_MS_CONFIG),
                        configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()))
                                .get(TopicConfig.RETENTION_MS_CONFIG)
                                .value(),
                        spec.name());
            }
        }
        assertEquals(
                Topics.DEFAULT_PARTITIONS,
                admin.describeTopics(List.of(Topics.SCORES))
                        .allTopicNames()
                        .get(10, TimeUnit.SECONDS)
                        .get(Topics.SCORES)
                        .partitions()
                        .size());
    }

    @Test
    void close_runningBroker_stopsInSecondsAndDeletesData() {
        EmbeddedKafkaBroker second =
                EmbeddedKafkaBroker.builder().optTempDirParent(DATA_PARENT).build();
        long startBegin = System.nanoTime();
        second.start();
        long startMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startBegin);
        Path data = second.dataDir();
        assertTrue(Files.isDirectory(data));

        long closeBegin = System.nanoTime();
        second.close();
        long closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closeBegin);
        LOG.info("second broker: start {} ms, close {} ms", startMs, closeMs);

        assertTrue(closeMs < 10_000, "close took " + closeMs + " ms");
        assertFalse(Files.exists(data), "temporary data deleted: " + data);
    }

    /**
     * A broker restarted on its data dir keeps its topics and records and its address: a client
     * started against the first run (a service with {@code --bootstrap-servers}) carries on with
     * the second. It used to come back on new ports, so such clients could never rejoin.
     */
    @Test
    void start_configuredDataDirFromEarlierRun_keepsTopicsRecordsAndAddress() throws Exception {
        Path dir = DATA_PARENT.resolve("persistent-" + System.nanoTime());
        String topic = "autost.it.restart";
        String address;
        KafkaProducer<byte[], byte[]> client = null;
        try {
            try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder()
                            .optDataDir(dir)
                            .build()
                            .start();
                    Admin firstAdmin = Admin.create(
                            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, first.bootstrapServers()))) {
                address = first.bootstrapServers();
                TopicAdmin.ensureTopics(firstAdmin, List.of(TopicSpec.compacted(topic, 1, (short) 1)), TOPIC_TIMEOUT);
                client = new KafkaProducer<>(producerConfig(address));
                client.send(new ProducerRecord<>(
                                topic, new byte[] {1}, candidate(7).toByteArray()))
                        .get(10, TimeUnit.SECONDS);
            }
            assertTrue(Files.isDirectory(dir), "a configured data dir is kept on close");

            long begin = System.nanoTime();
            try (EmbeddedKafkaBroker second =
                    EmbeddedKafkaBroker.builder().optDataDir(dir).build().start()) {
                LOG.info("restarted in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
                assertEquals(address, second.bootstrapServers(), "the restarted broker's address");
                client.send(new ProducerRecord<>(
                                topic, new byte[] {2}, candidate(8).toByteArray()))
                        .get(30, TimeUnit.SECONDS);
                BitSet seen = consumeSequences(second.bootstrapServers(), topic, 1, 2);
                assertTrue(seen.get(7), "record written before the restart is still there");
                assertTrue(seen.get(8), "the first run's client wrote to the second run");
            }
        } finally {
            if (client != null) {
                client.close(Duration.ofSeconds(5));
            }
            deleteRecursively(dir);
        }
    }

    private static CandidateMessage candidate(int sequence) {
        return CandidateMessage.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId("exp-it")
                .setGenomeHash(Integer.toHexString(sequence))
                .setGenome(GenomeMessage.newBuilder()
                        .setDepth(2)
                        .addMlpRatios(4)
                        .addMlpRatios(4)
                        .addNumHeads(8)
                        .addNumHeads(8)
                        .setEmbedDim(256))
                .setSequence(sequence)
                .build();
    }

    private static Map<String, Object> producerConfig(String bootstrapServers) {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                5);
    }

    private static BitSet consumeSequences(String bootstrapServers, String topic, int partitions, int expected)
            throws Exception {
        BitSet seen = new BitSet(expected);
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> assigned = IntStream.range(0, partitions)
                    .mapToObj(p -> new TopicPartition(topic, p))
                    .toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (seen.cardinality() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    seen.set((int) CandidateMessage.parseFrom(record.value()).getSequence());
                }
            }
        }
        return seen;
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
