package dev.autost.scorer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.autost.broker.EmbeddedKafkaBroker;
import dev.autost.domain.cost.CostEstimate;
import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.space.SearchSpace;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.messaging.DeadLetters;
import dev.autost.messaging.TopicAdmin;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.CandidateMessage;
import dev.autost.proto.v1.DeadLetter;
import dev.autost.proto.v1.ExperimentSpec;
import dev.autost.proto.v1.Score;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scorer against a real in-process broker: every candidate scored exactly as the domain
 * estimates it, garbage dead-lettered, and no candidate lost when a scorer is undeployed in the
 * middle of the stream and another takes over.
 *
 * <p>Each test uses its own experiment and consumer group, so the tests do not depend on their
 * order (a new group starts at the earliest candidate and re-scores older tests' candidates,
 * which is harmless: scores are keyed and idempotent).
 */
class ScorerVerticleIT {

    private static final Logger LOG = LoggerFactory.getLogger(ScorerVerticleIT.class);

    private static final int CANDIDATES = 500;
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Broker data under target/ so a killed test JVM leaves nothing in /tmp. */
    private static final Path DATA_PARENT = Path.of("target", "embedded-kafka");

    private static final SearchSpace SMALL = SearchSpaces.builtIn("small");
    private static final CostModel COST = new CostModel(SMALL.modelSetting());

    private static EmbeddedKafkaBroker broker;
    private static Vertx vertx;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.builder()
                .optTempDirParent(DATA_PARENT)
                .build()
                .start();
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            TopicAdmin.ensureTopics(admin, Topics.defaults(), Duration.ofSeconds(30));
        }
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) {
            vertx.close().await(20, TimeUnit.SECONDS);
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void scorer_500CandidatesAndGarbage_scoresEachLikeDomainAndDeadLettersGarbage() throws Exception {
        String experiment = "it-all";
        publishExperiment(experiment);
        Map<String, Genome> genomes = genomes(CANDIDATES, 1);
        publishCandidates(experiment, new ArrayList<>(genomes.values()));
        byte[] garbage = "not a protobuf \u00ff garbage".getBytes(StandardCharsets.UTF_8);
        byte[] garbageKey = "garbage-key".getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(Topics.CANDIDATES, garbageKey, garbage))
                .get();

        long begin = System.nanoTime();
        ScorerVerticle scorer = new ScorerVerticle(config("it-all-group", "scorer-a"));
        String id = vertx.deployVerticle(scorer).await(30, TimeUnit.SECONDS);
        Map<String, List<Score>> scores = readScores(experiment, CANDIDATES);
        LOG.info(
                "{} distinct scores in {} ms", scores.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));

        assertEquals(genomes.keySet(), scores.keySet());
        for (Map.Entry<String, List<Score>> e : scores.entrySet()) {
            Genome genome = genomes.get(e.getKey());
            for (Score score : e.getValue()) {
                assertMatchesDomain(genome, score);
            }
        }
        // The scorer's own count includes the garbage once it is acknowledged and committed.
        awaitTrue(() -> scorer.scored() + scorer.deadLettered() >= CANDIDATES + 1, "all committed");
        vertx.undeploy(id).await(20, TimeUnit.SECONDS);

        List<DeadLetter> letters = readAll(Topics.DEAD_LETTERS).stream()
                .map(r -> parseDeadLetter(r.value()))
                .filter(d -> d.getOriginalValue().equals(com.google.protobuf.ByteString.copyFrom(garbage)))
                .toList();
        assertEquals(1, letters.size(), "dead letters with the garbage bytes: " + letters);
        DeadLetter letter = letters.get(0);
        assertArrayEquals(garbage, letter.getOriginalValue().toByteArray());
        assertArrayEquals(garbageKey, letter.getOriginalKey().toByteArray());
        assertEquals(Topics.CANDIDATES, letter.getSourceTopic());
        assertEquals(ScorerVerticle.SERVICE, letter.getService());
        assertTrue(letter.getReason().startsWith("cannot decode CandidateMessage"), letter.getReason());
    }

    /**
     * A candidate just under the broker's 1 MB record limit cannot be handed on whole: its dead
     * letter (original bytes plus reason) would be over the limit. It used to be dropped with a
     * log line, so the record left no trace; now the dead letter keeps its first bytes and size.
     */
    @Test
    void scorer_candidateNearTheRecordLimit_deadLetteredTruncatedAndScoringGoesOn() throws Exception {
        String experiment = "it-huge";
        publishExperiment(experiment);
        byte[] huge = new byte[1_048_400];
        java.util.Arrays.fill(huge, (byte) 0xff);
        byte[] key = "it-huge/garbage".getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(Topics.CANDIDATES, key, huge)).get();
        Map<String, Genome> genomes = genomes(20, 3);
        publishCandidates(experiment, new ArrayList<>(genomes.values()));

        ScorerVerticle scorer = new ScorerVerticle(config("it-huge-group", "scorer-huge"));
        String id = vertx.deployVerticle(scorer).await(30, TimeUnit.SECONDS);
        assertEquals(genomes.keySet(), readScores(experiment, genomes.size()).keySet());
        awaitTrue(() -> scorer.deadLettered() >= 1, "the huge candidate handled");
        vertx.undeploy(id).await(20, TimeUnit.SECONDS);

        List<DeadLetter> letters = readAll(Topics.DEAD_LETTERS).stream()
                .map(r -> parseDeadLetter(r.value()))
                .filter(d -> d.getOriginalKey().toStringUtf8().equals("it-huge/garbage"))
                .toList();
        assertEquals(1, letters.size(), "dead letters of the huge candidate");
        DeadLetter letter = letters.get(0);
        assertEquals(huge.length, letter.getOriginalValueSize());
        assertEquals(DeadLetters.MAX_ORIGINAL_VALUE, letter.getOriginalValue().size());
        assertTrue(letter.getReason().startsWith("cannot decode CandidateMessage"), letter.getReason());
    }

    @Test
    void scorer_undeployedMidStream_successorScoresEveryCandidate() throws Exception {
        String experiment = "it-handover";
        String group = "it-handover-group";
        publishExperiment(experiment);
        List<Genome> genomes = new ArrayList<>(genomes(CANDIDATES, 2).values());
        publishCandidates(experiment, genomes.subList(0, CANDIDATES / 2));

        // Small batches, so the first scorer is stopped between many commits.
        ScorerVerticle first = new ScorerVerticle(config(group, "scorer-1").withMaxPollRecords(10));
        String firstId = vertx.deployVerticle(first).await(30, TimeUnit.SECONDS);
        readScores(experiment, 100);
        vertx.undeploy(firstId).await(20, TimeUnit.SECONDS);
        long byFirst = first.scored();
        int seenAfterFirst = readScores(experiment, 0).size();

        publishCandidates(experiment, genomes.subList(CANDIDATES / 2, CANDIDATES));
        ScorerVerticle second = new ScorerVerticle(config(group, "scorer-2").withMaxPollRecords(10));
        String secondId = vertx.deployVerticle(second).await(30, TimeUnit.SECONDS);
        Map<String, List<Score>> scores = readScores(experiment, CANDIDATES);
        vertx.undeploy(secondId).await(20, TimeUnit.SECONDS);

        int records = scores.values().stream().mapToInt(List::size).sum();
        LOG.info(
                "first scorer acknowledged {} (distinct seen {}), second {}; {} score records for "
                        + "{} distinct candidates",
                byFirst,
                seenAfterFirst,
                second.scored(),
                records,
                scores.size());
        assertTrue(seenAfterFirst < CANDIDATES, "the first scorer cannot have seen the second half");
        assertEquals(CANDIDATES, scores.size());
        Map<String, Genome> byHash = new HashMap<>();
        genomes.forEach(g -> byHash.put(g.hash(), g));
        assertEquals(byHash.keySet(), scores.keySet());
        scores.forEach((hash, list) -> list.forEach(s -> assertMatchesDomain(byHash.get(hash), s)));
    }

    private static ScorerConfig config(String group, String scorerId) {
        return ScorerConfig.of(broker.bootstrapServers()).withGroupId(group).withScorerId(scorerId);
    }

    private static void assertMatchesDomain(Genome genome, Score score) {
        CostEstimate expected = COST.estimate(genome);
        assertEquals(genome, GenomeMessages.toDomain(score.getGenome()));
        assertEquals(expected.params(), score.getParams(), genome::toString);
        assertEquals(expected.flopsSyops(), score.getFlopsSyops(), genome::toString);
        assertEquals((double) expected.flopsFull(), score.getFlopsFull(), genome::toString);
        assertEquals(expected.energyPj(), score.getEnergyPj(), genome::toString);
    }

    /** {@code count} distinct genomes of the small space, by hash, in a seeded order. */
    private static Map<String, Genome> genomes(int count, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Genome> out = new LinkedHashMap<>();
        while (out.size() < count) {
            Genome g = SMALL.sample(rng);
            out.putIfAbsent(g.hash(), g);
        }
        return out;
    }

    private static void publishExperiment(String experiment) throws Exception {
        String yaml;
        try (InputStream in = SearchSpaces.class.getResourceAsStream("/dev/autost/domain/spaces/small.yaml")) {
            if (in == null) {
                throw new IOException("small.yaml not on the classpath");
            }
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ExperimentSpec spec = ExperimentSpec.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(experiment)
                .setSpaceYaml(yaml)
                .setStrategy("evolution")
                .build();
        producer.send(new ProducerRecord<>(
                        Topics.EXPERIMENTS,
                        Topics.experimentKey(experiment).getBytes(StandardCharsets.UTF_8),
                        spec.toByteArray()))
                .get();
    }

    private static void publishCandidates(String experiment, List<Genome> genomes) throws Exception {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        long sequence = 0;
        for (Genome g : genomes) {
            CandidateMessage c = CandidateMessage.newBuilder()
                    .setSchemaVersion(SchemaVersions.CURRENT)
                    .setExperimentId(experiment)
                    .setGenomeHash(g.hash())
                    .setGenome(GenomeMessages.toProto(g))
                    .setSequence(sequence++)
                    .build();
            sends.add(producer.send(new ProducerRecord<>(
                    Topics.CANDIDATES,
                    Topics.genomeKey(experiment, g.hash()).getBytes(StandardCharsets.UTF_8),
                    c.toByteArray())));
        }
        for (Future<RecordMetadata> send : sends) {
            send.get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Scores of {@code experiment} by hash, read from the start of {@code autost.scores} until at
     * least {@code distinct} hashes were seen and the topic was read to its end.
     */
    private static Map<String, List<Score>> readScores(String experiment, int distinct) {
        Map<String, List<Score>> scores = new HashMap<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = reader()) {
            List<TopicPartition> partitions = assignAll(consumer, Topics.SCORES);
            while (true) {
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        Score s = parseScore(r.value());
                        if (s.getExperimentId().equals(experiment)) {
                            assertEquals(
                                    Topics.genomeKey(experiment, s.getGenomeHash()),
                                    new String(r.key(), StandardCharsets.UTF_8));
                            scores.computeIfAbsent(s.getGenomeHash(), k -> new ArrayList<>())
                                    .add(s);
                        }
                    }
                }
                if (scores.size() >= distinct) {
                    return scores;
                }
                if (System.nanoTime() > deadline) {
                    fail("only " + scores.size() + " of " + distinct + " scores of " + experiment + " within " + WAIT);
                }
                sleep(50);
            }
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = reader()) {
            List<TopicPartition> partitions = assignAll(consumer, topic);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
                if (System.nanoTime() > deadline) {
                    fail("could not read " + topic + " to its end");
                }
            }
        }
        return out;
    }

    private static KafkaConsumer<byte[], byte[]> reader() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class));
    }

    private static List<TopicPartition> assignAll(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            sleep(20);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Score parseScore(byte[] value) {
        try {
            return Score.parseFrom(value);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError("not a Score on " + Topics.SCORES, e);
        }
    }

    private static DeadLetter parseDeadLetter(byte[] value) {
        try {
            return DeadLetter.parseFrom(value);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError("not a DeadLetter on " + Topics.DEAD_LETTERS, e);
        }
    }
}
