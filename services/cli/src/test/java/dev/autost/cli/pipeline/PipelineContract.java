package dev.autost.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.space.SearchSpaces;
import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.Topics;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.DeadLetter;
import dev.autost.proto.v1.ExperimentSpec;
import dev.autost.proto.v1.Report;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * What the Kafka pipeline must show against any real broker; each broker flavour (embedded,
 * Testcontainers) runs the same tests by extending this class.
 */
abstract class PipelineContract {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    /** The broker of the concrete class. */
    abstract String bootstrapServers();

    private LocalServices services() {
        return LocalServices.connect(bootstrapServers(), 3, (short) 1);
    }

    static ExperimentSpec spec(long seed, String strategy) {
        return ExperimentSpec.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId("it-" + strategy + "-" + seed + "-"
                        + UUID.randomUUID().toString().substring(0, 8))
                .setSpaceYaml(SearchSpaces.toYaml(SearchSpaces.builtIn("small")))
                .setStrategy(strategy)
                .setSeed(seed)
                .setGenerations(20)
                .setPopulation(50)
                .build();
    }

    static List<String> viaKafka(ExperimentClient.FollowedExperiment o) {
        return o.scores().stream()
                .map(s -> s.getGenomeHash() + "@" + s.getSequence())
                .toList();
    }

    @Test
    void search_throughKafka_givesTheInProcessRanking() {
        ExperimentSpec spec = spec(42, "evolution");
        ExperimentClient.FollowedExperiment o = followRestarting(spec, null, 0);
        assertEquals(InProcessRanking.of(spec), viaKafka(o));
        assertEquals(1050, o.scores().size());
        assertEquals(Report.Phase.SEARCH_DONE, o.search().getPhase());
        assertEquals(1050, o.evaluation().getCandidatesScored());
    }

    @Test
    void search_randomStrategyThroughKafka_givesTheInProcessRanking() {
        ExperimentSpec spec = spec(5, "random");
        assertEquals(InProcessRanking.of(spec), viaKafka(followRestarting(spec, null, 0)));
    }

    @Test
    void scorerStoppedMidSearch_replacementLosesAndDuplicatesNothing() {
        ExperimentSpec spec = spec(11, "evolution");
        List<String> ranking = viaKafka(followRestarting(spec, LocalServices.Service.SCORER, 300));
        assertEquals(InProcessRanking.of(spec), ranking);
        assertEquals(ranking.size(), new HashSet<>(ranking).size(), "a candidate was counted twice");
    }

    @Test
    void samplerRestartedMidSearch_resumesFromTheTopics() {
        ExperimentSpec spec = spec(23, "evolution");
        assertEquals(InProcessRanking.of(spec), viaKafka(followRestarting(spec, LocalServices.Service.SAMPLER, 400)));
    }

    /**
     * Runs {@code spec} through Kafka; with a {@code service}, stops and starts it once {@code
     * atScored} candidates are scored and checks that this happened early enough to matter.
     */
    private ExperimentClient.FollowedExperiment followRestarting(
            ExperimentSpec spec, LocalServices.Service service, int atScored) {
        AtomicBoolean restarted = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger scoredAtRestart = new java.util.concurrent.atomic.AtomicInteger();
        try (LocalServices s = services().start(LocalServices.SEARCH);
                ExperimentClient client = new ExperimentClient(s.bootstrapServers())) {
            client.submit(spec);
            ExperimentClient.FollowedExperiment o = client.follow(spec.getExperimentId(), TIMEOUT, p -> {
                if (service != null && p.scored() >= atScored && restarted.compareAndSet(false, true)) {
                    scoredAtRestart.set(p.scored());
                    s.stop(service);
                    s.start(service);
                }
            });
            if (service != null) {
                assertTrue(restarted.get(), "the " + service.id() + " was never restarted");
                assertTrue(scoredAtRestart.get() < 1000, "restarted too late to matter: " + scoredAtRestart.get());
            }
            return o;
        }
    }

    @Test
    void garbageOnEveryInputTopic_isDeadLetteredAndTheSearchFinishes() throws Exception {
        ExperimentSpec spec = spec(31, "evolution");
        String tag = UUID.randomUUID().toString();
        List<String> inputs =
                List.of(Topics.EXPERIMENTS, Topics.CANDIDATES, Topics.SCORES, Topics.REPORTS, Topics.TRAIN_RESULTS);
        try (LocalServices s = services().start(LocalServices.SEARCH);
                ExperimentClient client = new ExperimentClient(s.bootstrapServers());
                KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(s.bootstrapServers(), "it-garbage")) {
            for (String topic : inputs) {
                byte[] garbage = ("\u00ff\u00fe garbage " + tag + " " + topic).getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, ("junk/" + tag).getBytes(StandardCharsets.UTF_8), garbage))
                        .get();
            }
            client.submit(spec);
            assertEquals(InProcessRanking.of(spec), viaKafka(client.follow(spec.getExperimentId(), TIMEOUT, null)));
            Set<String> deadTopics = deadLettersTagged(s.bootstrapServers(), tag, inputs.size());
            assertEquals(new HashSet<>(inputs), deadTopics);
        }
    }

    /** Source topics of dead letters whose original value carries {@code tag}; waits for {@code expected}. */
    private static Set<String> deadLettersTagged(String bootstrap, String tag, int expected) throws Exception {
        Set<String> topics = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> c = KafkaClients.replayingConsumer(bootstrap, "it-dead-letters")) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(Topics.DEAD_LETTERS)
                    .forEach(p -> parts.add(new TopicPartition(Topics.DEAD_LETTERS, p.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (topics.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    DeadLetter d = DeadLetter.parseFrom(r.value());
                    if (d.getOriginalValue().toStringUtf8().contains(tag)) {
                        assertTrue(!d.getReason().isBlank(), "a dead letter without reason");
                        topics.add(d.getSourceTopic());
                    }
                }
            }
        }
        return topics;
    }
}
