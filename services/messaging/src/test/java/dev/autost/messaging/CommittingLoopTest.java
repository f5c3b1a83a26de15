package dev.autost.messaging;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The committing loop with a real producer whose broker is gone, as on a host shutdown. */
class CommittingLoopTest {
    private static final TopicPartition IN = new TopicPartition("in", 0);

    @Test
    void publish_brokerGone_neitherBlocksTheWorkNorTheStop() throws Exception {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.updateBeginningOffsets(Map.of(IN, 0L));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(IN));
            consumer.addRecord(new ConsumerRecord<>("in", 0, 0L, null, new byte[] {1}));
        });
        // Nothing listens on port 1: send() waits for metadata up to max.block.ms.
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                "127.0.0.1:1",
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                30_000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
        AtomicLong publishNanos = new AtomicLong(-1);
        CountDownLatch handled = new CountDownLatch(1);
        CommittingLoop loop = new CommittingLoop(
                "test",
                consumer,
                producer,
                (records, context) -> {
                    long t0 = System.nanoTime();
                    context.publish(new ProducerRecord<>("progress", new byte[] {2}));
                    context.publish(new ProducerRecord<>("progress", new byte[] {3}));
                    publishNanos.set(System.nanoTime() - t0);
                    handled.countDown();
                    return List.of();
                },
                new CommittingLoop.Settings("in", Duration.ofMillis(50), false, false, 0));
        Thread thread = new Thread(loop, "committing-loop-test");
        thread.start();
        assertTrue(handled.await(20, TimeUnit.SECONDS), "the record was handled");
        assertTrue(
                publishNanos.get() < TimeUnit.SECONDS.toNanos(5),
                "publishing took " + publishNanos.get() / 1e9 + " s: it waited for the broker");
        long t0 = System.nanoTime();
        loop.stop();
        loop.done().get(20, TimeUnit.SECONDS);
        assertTrue(
                System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(15),
                "stopping took " + (System.nanoTime() - t0) / 1e9 + " s");
    }

    /** A batch whose handling failed transiently is handled again after a pause, and committed only then. */
    @Test
    void handle_transientFailure_sameRecordsHandledAgainThenCommitted() throws Exception {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.updateBeginningOffsets(Map.of(IN, 0L));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(IN));
            consumer.addRecord(new ConsumerRecord<>("in", 0, 0L, null, new byte[] {1}));
            consumer.addRecord(new ConsumerRecord<>("in", 0, 1L, null, new byte[] {2}));
        });
        List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch handled = new CountDownLatch(1);
        org.apache.kafka.clients.producer.MockProducer<byte[], byte[]> producer =
                new org.apache.kafka.clients.producer.MockProducer<>(
                        true,
                        null,
                        new org.apache.kafka.common.serialization.ByteArraySerializer(),
                        new org.apache.kafka.common.serialization.ByteArraySerializer());
        CommittingLoop loop = new CommittingLoop(
                "test",
                consumer,
                producer,
                (records, context) -> {
                    records.forEach(r -> seen.add(r.offset()));
                    if (seen.size() <= 2) {
                        assertTrue(
                                consumer.committed(java.util.Set.of(IN)).get(IN) == null,
                                "nothing committed before the retry");
                        throw new TransientFailureException("experiments not read in time", null);
                    }
                    handled.countDown();
                    return List.of();
                },
                new CommittingLoop.Settings("in", Duration.ofMillis(50), true, false, 0));
        Thread thread = new Thread(loop, "committing-loop-retry");
        thread.start();
        assertTrue(handled.await(20, TimeUnit.SECONDS), "handled again after the transient failure: " + seen);
        long committed = -1;
        for (int i = 0; i < 200 && committed != 2; i++) {
            var c = consumer.committed(java.util.Set.of(IN)).get(IN);
            committed = c == null ? -1 : c.offset();
            Thread.sleep(10);
        }
        loop.stop();
        loop.done().get(20, TimeUnit.SECONDS);
        org.junit.jupiter.api.Assertions.assertEquals(List.of(0L, 1L, 0L, 1L), seen);
        org.junit.jupiter.api.Assertions.assertEquals(2L, committed, "committed after the second try");
    }
}
