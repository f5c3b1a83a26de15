package dev.autost.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.proto.v1.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The loop itself, with Kafka's in-memory client doubles (the broker-backed behaviour is covered
 * by the services' integration tests): replay then live records, a handler that throws, and
 * sends that fail for good or for now.
 */
class ReplayingLoopTest {
    private static final String TOPIC = "in";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private ReplayingLoop loop;
    private Thread thread;

    /** Echoes every record to "out" with its value; throws on the value "boom". */
    private static final class EchoHandler implements ReplayingLoop.Handler {
        final List<String> seen = new CopyOnWriteArrayList<>();
        volatile int caughtUpAfter = -1;

        @Override
        public List<ProducerRecord<byte[], byte[]>> onRecord(ConsumerRecord<byte[], byte[]> r, boolean replaying) {
            String v = new String(r.value(), StandardCharsets.UTF_8);
            if (v.equals("boom")) {
                throw new IllegalStateException("cannot handle " + v);
            }
            seen.add(v + (replaying ? " (replay)" : ""));
            return List.of(new ProducerRecord<>("out", r.value()));
        }

        @Override
        public List<ProducerRecord<byte[], byte[]>> onCaughtUp() {
            caughtUpAfter = seen.size();
            return List.of();
        }

        @Override
        public List<ProducerRecord<byte[], byte[]>> onUnexpected(ConsumerRecord<byte[], byte[]> r, RuntimeException e) {
            return List.of(new ProducerRecord<>(
                    "dead", (r.offset() + ": " + e.getMessage()).getBytes(StandardCharsets.UTF_8)));
        }
    }

    private void stored(String... values) {
        consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, Node.noNode(), new Node[0], new Node[0])));
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        consumer.updateEndOffsets(Map.of(TP, (long) values.length));
        add(0, values);
    }

    /** Records from {@code offset} on, all returned by one poll. */
    private void add(long offset, String... values) {
        // Records can only be added once the loop has assigned the partition.
        consumer.schedulePollTask(() -> {
            for (int i = 0; i < values.length; i++) {
                consumer.addRecord(
                        new ConsumerRecord<>(TOPIC, 0, offset + i, null, values[i].getBytes(StandardCharsets.UTF_8)));
            }
        });
    }

    private void start(MockProducer<byte[], byte[]> producer, ReplayingLoop.Handler handler) throws Exception {
        loop = new ReplayingLoop(
                "test", consumer, producer, List.of(TOPIC), handler, Duration.ofMillis(20), Duration.ofSeconds(10));
        thread = new Thread(loop, "replaying-loop-test");
        thread.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (loop != null) {
            loop.stop();
            loop.done().get(10, TimeUnit.SECONDS);
        }
    }

    private static List<String> values(MockProducer<byte[], byte[]> p, String topic) {
        List<String> out = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> r : p.history()) {
            if (r.topic().equals(topic)) {
                out.add(new String(r.value(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /**
     * A handler naming topics to replay first sees all of their records before any other topic's,
     * although the other topic's records are stored (and fetchable) all along.
     */
    @Test
    void replayFirst_thoseTopicsAreReadToTheirEndBeforeTheOthers() throws Exception {
        String first = "first";
        TopicPartition firstTp = new TopicPartition(first, 0);
        consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, Node.noNode(), new Node[0], new Node[0])));
        consumer.updatePartitions(first, List.of(new PartitionInfo(first, 0, Node.noNode(), new Node[0], new Node[0])));
        consumer.updateBeginningOffsets(Map.of(TP, 0L, firstTp, 0L));
        consumer.updateEndOffsets(Map.of(TP, 2L, firstTp, 2L));
        consumer.schedulePollTask(() -> {
            consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 0, null, "bulk-0".getBytes(StandardCharsets.UTF_8)));
            consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 1, null, "bulk-1".getBytes(StandardCharsets.UTF_8)));
            consumer.addRecord(new ConsumerRecord<>(first, 0, 0, null, "first-0".getBytes(StandardCharsets.UTF_8)));
        });
        consumer.schedulePollTask(() -> consumer.addRecord(
                new ConsumerRecord<>(first, 0, 1, null, "first-1".getBytes(StandardCharsets.UTF_8))));
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> progress = new CopyOnWriteArrayList<>();
        ReplayingLoop.Handler handler = new ReplayingLoop.Handler() {
            @Override
            public List<ProducerRecord<byte[], byte[]>> onRecord(ConsumerRecord<byte[], byte[]> r, boolean replaying) {
                seen.add(new String(r.value(), StandardCharsets.UTF_8));
                progress.add(ReplayProgress.snapshot().getOrDefault("test", "none"));
                return List.of();
            }

            @Override
            public List<String> replayFirst() {
                return List.of(first);
            }

            @Override
            public List<ProducerRecord<byte[], byte[]>> onCaughtUp() {
                return List.of();
            }
        };
        loop = ReplayingLoop.readOnly(
                "test", consumer, List.of(TOPIC, first), handler, Duration.ofMillis(20), Duration.ofSeconds(10));
        thread = new Thread(loop, "replaying-loop-test");
        thread.start();
        loop.ready().get(10, TimeUnit.SECONDS);
        assertEquals(List.of("first-0", "first-1", "bulk-0", "bulk-1"), seen);
        assertEquals("0 records read, 2 to go", progress.get(0), "the replay says how far it got: " + progress);
        assertEquals(Map.of(), ReplayProgress.snapshot(), "a replay that caught up shows no progress");
    }

    @Test
    void handlerThrowsOnAReplayedAndALiveRecord_loopGoesOnAndHandsBothToOnUnexpected() throws Exception {
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        EchoHandler handler = new EchoHandler();
        stored("a", "boom", "b");
        start(producer, handler);
        loop.ready().get(10, TimeUnit.SECONDS);
        assertEquals(2, handler.caughtUpAfter, "onCaughtUp after the whole replay");

        add(3, "boom", "c");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (values(producer, "out").size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of("a (replay)", "b (replay)", "c"), handler.seen);
        assertEquals(List.of("a", "b", "c"), values(producer, "out"));
        assertEquals(List.of("1: cannot handle boom", "3: cannot handle boom"), values(producer, "dead"));
        assertTrue(thread.isAlive());
    }

    @Test
    void sendFailures_refusedRecordDeadLettered_retriableOneResent_othersNotRepeated() throws Exception {
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        stored("a", "too-large", "not-leader");
        start(producer, new EchoHandler());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (producer.history().size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(producer.completeNext());
        assertTrue(producer.errorNext(new RecordTooLargeException("too large")));
        assertTrue(producer.errorNext(new NotLeaderOrFollowerException("moving")));
        while (producer.history().size() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        while (producer.history().size() < 5 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(producer.completeNext(), "the refused record's dead letter was sent");
        assertTrue(producer.completeNext(), "the retriable record was sent again");
        loop.ready().get(10, TimeUnit.SECONDS);
        assertEquals(List.of("a", "too-large", "not-leader", "not-leader"), values(producer, "out"));
        List<ProducerRecord<byte[], byte[]>> letters = producer.history().stream()
                .filter(r -> r.topic().equals(Topics.DEAD_LETTERS))
                .toList();
        assertEquals(1, letters.size());
        DeadLetter letter = DeadLetter.parseFrom(letters.get(0).value());
        assertEquals("out", letter.getSourceTopic());
        assertEquals(-1, letter.getOffset());
        assertEquals("too-large", letter.getOriginalValue().toStringUtf8());
        assertTrue(letter.getReason().contains("refused"), letter.getReason());
    }

    /**
     * A missing ACL was resent for ever: the service stayed stuck and ready. Now the loop ends
     * with the reason (the process then exits 70).
     */
    @Test
    void sendFailure_authorization_endsTheLoopNamingTheTopic() throws Exception {
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        stored("a");
        start(producer, new EchoHandler());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (producer.history().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(producer.errorNext(
                new org.apache.kafka.common.errors.TopicAuthorizationException(java.util.Set.of("out"))));
        loop.done().get(10, TimeUnit.SECONDS);
        Throwable failure = loop.failure().orElseThrow();
        assertTrue(
                failure.getMessage().contains("refuses this service's output to out for good"), failure.getMessage());
        assertEquals(1, producer.history().size(), "not resent");
    }
}
