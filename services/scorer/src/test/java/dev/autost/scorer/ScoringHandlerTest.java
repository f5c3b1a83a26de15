package dev.autost.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.autost.domain.genome.Genome;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.messaging.CommittingLoop;
import dev.autost.messaging.DeadLetters;
import dev.autost.messaging.ExperimentCache;
import dev.autost.messaging.ExperimentReader;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.observability.AutostMeters;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.CandidateMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The commit discipline of the loop, with Kafka's mock clients: commit only after acks. */
class ScoringHandlerTest {

    private static final TopicPartition CANDIDATES = new TopicPartition(Topics.CANDIDATES, 0);
    private static final TopicPartition EXPERIMENTS = new TopicPartition(Topics.EXPERIMENTS, 0);

    private final MockConsumer<byte[], byte[]> candidates = new MockConsumer<>("earliest");
    private final MockConsumer<byte[], byte[]> experimentsConsumer = new MockConsumer<>("earliest");
    // autoComplete=false: the test decides when each send is acknowledged.
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    private CommittingLoop loop;
    private ScoringHandler handler;
    private Thread thread;

    @BeforeEach
    void setUp() throws Exception {
        experimentsConsumer.updatePartitions(
                Topics.EXPERIMENTS,
                List.of(new PartitionInfo(Topics.EXPERIMENTS, 0, Node.noNode(), new Node[0], new Node[0])));
        experimentsConsumer.updateBeginningOffsets(Map.of(EXPERIMENTS, 0L));
        experimentsConsumer.updateEndOffsets(Map.of(EXPERIMENTS, 0L));
        candidates.updateBeginningOffsets(Map.of(CANDIDATES, 0L));
        candidates.schedulePollTask(() -> candidates.rebalance(List.of(CANDIDATES)));

        ExperimentCache cache = new ExperimentCache();
        cache.put(
                "e",
                ExperimentPlan.fromSpec(
                        ExperimentPlan.specBuilder("e", SearchSpaces.builtIn("small"), "evolution", 1, 0, 0, 0)
                                .build()));
        ScorerConfig config = new ScorerConfig("h:1", "g", "s", 100, Duration.ofMillis(10), Duration.ofSeconds(5));
        ExperimentReader experiments = new ExperimentReader(experimentsConsumer, cache, Duration.ofSeconds(5));
        handler = new ScoringHandler(
                experiments,
                new ScoreFunction("s", experiments),
                new DeadLetters("scorer", Clock.systemUTC()),
                AutostMeters.noop());
        loop = new CommittingLoop("scorer s", candidates, producer, handler, ScoringHandler.settings(config));
        thread = new Thread(loop, "scoring-loop-test");
        thread.start();
        loop.ready().get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void tearDown() throws Exception {
        loop.stop();
        loop.done().get(10, TimeUnit.SECONDS);
    }

    /** One poll task, so all records arrive in one poll (MockConsumer runs one task per poll). */
    private void addCandidates(int count) {
        List<ConsumerRecord<byte[], byte[]>> records = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            Genome g = Genome.uniform(2 + i, 4.0, 8, 384);
            byte[] value = CandidateMessage.newBuilder()
                    .setSchemaVersion(SchemaVersions.CURRENT)
                    .setExperimentId("e")
                    .setGenomeHash(g.hash())
                    .setGenome(GenomeMessages.toProto(g))
                    .build()
                    .toByteArray();
            records.add(new ConsumerRecord<>(Topics.CANDIDATES, 0, nextOffset++, null, value));
        }
        candidates.schedulePollTask(() -> records.forEach(candidates::addRecord));
    }

    private long nextOffset;

    private OffsetAndMetadata committed() {
        return candidates.committed(Set.of(CANDIDATES)).get(CANDIDATES);
    }

    @Test
    void run_allSendsAcknowledged_commitsPastBatch() {
        addCandidates(3);
        await(() -> producer.history().size() == 3, "3 sends");

        while (producer.completeNext()) {
            // acknowledge every send
        }

        await(() -> committed() != null && committed().offset() == 3, "commit of offset 3");
        // The loop counts a batch right after committing it: wait for the count, not just the commit.
        await(() -> handler.scored() == 3, "3 scored");
        assertTrue(producer.history().stream().allMatch(r -> r.topic().equals(Topics.SCORES)));
    }

    @Test
    void sendsNotAcknowledged_stopped_nothingCommittedOrCounted() throws Exception {
        addCandidates(2);
        await(() -> producer.history().size() == 2, "2 sends");
        // The loop is now blocked on the acknowledgements: it cannot have committed.
        assertEquals(null, committed());

        loop.stop();

        loop.done().get(5, TimeUnit.SECONDS);
        assertEquals(0, handler.scored());
        assertTrue(candidates.closed());
    }

    @Test
    void run_sendFails_resendsTheFailedScoreThenCommits() {
        addCandidates(2);
        await(() -> producer.history().size() == 2, "2 sends");

        producer.errorNext(new NotLeaderOrFollowerException("test"));
        producer.completeNext();

        await(() -> producer.history().size() == 3, "the failed score sent again");
        assertEquals(null, committed());
        assertEquals(producer.history().get(0).key(), producer.history().get(2).key());
        while (producer.completeNext()) {
            // acknowledge the resend
        }
        await(() -> committed() != null && committed().offset() == 2, "commit of offset 2");
        await(() -> handler.scored() == 2, "2 scored");
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
