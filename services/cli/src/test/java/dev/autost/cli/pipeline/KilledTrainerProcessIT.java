package dev.autost.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.broker.EmbeddedKafkaBroker;
import dev.autost.domain.genome.Genome;
import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.TopicAdmin;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.TrainProgress;
import dev.autost.proto.v1.TrainRequest;
import dev.autost.proto.v1.TrainResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trainer worker as its own process ({@code autost service trainer}), killed with SIGKILL in
 * the middle of its second epoch, and a second process on the same checkpoint folder that gets
 * the request again from the consumer group: its result must be the one an uninterrupted run
 * gives, to the last bit (CPU, one intra-op thread).
 */
class KilledTrainerProcessIT {
    private static final Genome GENOME = new Genome(1, List.of(2.0), List.of(4), 32, 0);
    private static final Duration WAIT = Duration.ofMinutes(4);

    @TempDir
    Path dir;

    private EmbeddedKafkaBroker broker;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void startBroker() {
        broker = EmbeddedKafkaBroker.builder().build().start();
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            TopicAdmin.ensureTopics(admin, Topics.defaults(), Duration.ofSeconds(60));
        }
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void trainerKilledInItsSecondEpoch_successorResumes_toTheUninterruptedResult() throws Exception {
        Process first = trainer("killed-a");
        send(request("killed", 3));
        // Epoch 1 checkpointed; let epoch 2 get under way, then kill without warning.
        read(Topics.TRAIN_PROGRESS, "killed/", l -> !l.isEmpty());
        Thread.sleep(700);
        assertTrue(first.isAlive(), "the first trainer is still training");
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertTrue(
                read(Topics.TRAIN_RESULTS, "killed/", l -> !l.isEmpty(), Duration.ofMillis(500))
                        .isEmpty(),
                "killed before it finished");

        trainer("killed-b");
        TrainResult resumed = result("killed");
        assertEquals(TrainResult.Status.OK, resumed.getStatus(), resumed.getFailureReason());
        List<Integer> epochs = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : read(Topics.TRAIN_PROGRESS, "killed/", l -> l.size() >= 3)) {
            epochs.add(TrainProgress.parseFrom(r.value()).getEpoch());
        }
        assertEquals(1, epochs.stream().filter(e -> e == 1).count(), "epoch 1 was not trained again: " + epochs);

        send(request("straight", 3));
        TrainResult straight = result("straight");
        assertEquals(TrainResult.Status.OK, straight.getStatus(), straight.getFailureReason());
        assertEquals(
                straight.getTrainLoss(), resumed.getTrainLoss(), "train loss, uninterrupted vs killed and resumed");
        assertEquals(
                straight.getTestAccuracy(),
                resumed.getTestAccuracy(),
                "test accuracy, uninterrupted vs killed and resumed");
        assertFalse(
                Files.readString(dir.resolve("killed-b.log")).contains("ERROR"),
                Files.readString(dir.resolve("killed-b.log")));
    }

    /** {@code autost service trainer} in a child JVM with this test's classpath, logging to DIR/ID.log. */
    private Process trainer(String id) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(
                java,
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.autost.cli.Main",
                "service",
                "trainer",
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--http-port",
                "0",
                "--checkpoint-dir",
                dir.resolve("ckpt").toString(),
                "--limit-train",
                "640",
                "--limit-test",
                "256");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(id + ".log").toFile())
                .start();
        processes.add(p);
        return p;
    }

    private static TrainRequest request(String experiment, int epochs) {
        return TrainRequest.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(experiment)
                .setGenomeHash(GENOME.hash())
                .setGenome(GenomeMessages.toProto(GENOME))
                .setDataset("fashion-mnist")
                .setEpochs(epochs)
                .setSeed(3)
                .setRank(1)
                .setBackbone("autost")
                .setTimeSteps(4)
                .build();
    }

    private void send(TrainRequest req) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(broker.bootstrapServers(), "it-killed")) {
            String key = Topics.genomeKey(req.getExperimentId(), req.getGenomeHash());
            p.send(new ProducerRecord<>(Topics.TRAIN_REQUESTS, key.getBytes(StandardCharsets.UTF_8), req.toByteArray()))
                    .get();
        }
    }

    private TrainResult result(String experiment) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> results = read(Topics.TRAIN_RESULTS, experiment + "/", l -> !l.isEmpty());
        assertFalse(results.isEmpty(), "no result for " + experiment + " within " + WAIT);
        return TrainResult.parseFrom(results.get(0).value());
    }

    private List<ConsumerRecord<byte[], byte[]>> read(
            String topic, String prefix, Predicate<List<ConsumerRecord<byte[], byte[]>>> until) {
        return read(topic, prefix, until, WAIT);
    }

    /** Records of {@code topic} whose key starts with {@code prefix}, from the start, until {@code until} holds. */
    private List<ConsumerRecord<byte[], byte[]>> read(
            String topic, String prefix, Predicate<List<ConsumerRecord<byte[], byte[]>>> until, Duration wait) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = KafkaClients.replayingConsumer(broker.bootstrapServers(), "it-read")) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + wait.toNanos();
            while (!until.test(out) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && new String(r.key(), StandardCharsets.UTF_8).startsWith(prefix)) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }
}
