package dev.autost.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class ConcurrentJobLoopTest {
    private static final TopicPartition IN = new TopicPartition("in", 0);

    private static long committed(MockConsumer<byte[], byte[]> consumer) {
        var c = consumer.committed(java.util.Set.of(IN)).get(IN);
        return c == null ? 0 : c.offset();
    }

    /**
     * Two records of one partition are worked on at once (one member per job left one idle when
     * both were in its partitions), and the commit never passes a record still in work: the
     * second finishing first commits nothing, the first then commits both.
     */
    @Test
    void twoRecordsOfOnePartition_workedAtOnce_commitNeverPassesOneInWork() throws Exception {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.updateBeginningOffsets(Map.of(IN, 0L));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(IN));
            consumer.addRecord(new ConsumerRecord<>("in", 0, 0L, null, new byte[] {0}));
            consumer.addRecord(new ConsumerRecord<>("in", 0, 1L, null, new byte[] {1}));
        });
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        CountDownLatch bothStarted = new CountDownLatch(2);
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        Map<Long, Boolean> done = new ConcurrentHashMap<>();
        AtomicInteger atOnce = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ConcurrentJobLoop loop = new ConcurrentJobLoop(
                "test",
                consumer,
                producer,
                (records, context) -> {
                    ConsumerRecord<byte[], byte[]> r = records.iterator().next();
                    most.accumulateAndGet(atOnce.incrementAndGet(), Math::max);
                    bothStarted.countDown();
                    if (r.offset() == 0) {
                        firstStarted.countDown();
                        releaseFirst.await(20, TimeUnit.SECONDS);
                    } else {
                        // Not done before the first has begun: on a busy machine the second
                        // could otherwise end before the first's thread ran, never both at once.
                        firstStarted.await(20, TimeUnit.SECONDS);
                    }
                    atOnce.decrementAndGet();
                    done.put(r.offset(), true);
                    return List.of(new ProducerRecord<>("out", r.value()));
                },
                new CommittingLoop.Settings("in", Duration.ofMillis(20), true, true, 0),
                2);
        Thread thread = new Thread(loop, "concurrent-job-loop-test");
        thread.start();
        try {
            assertTrue(bothStarted.await(20, TimeUnit.SECONDS), "both records in work at once");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (producer.history().size() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(200);
            assertEquals(0, committed(consumer), "record 1 is done, record 0 is not: nothing committed");
            releaseFirst.countDown();
            while (committed(consumer) < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(2, committed(consumer), "both done: committed past both");
            assertEquals(2, most.get());
            assertEquals(2, loop.handled());
        } finally {
            releaseFirst.countDown();
            loop.stop();
            loop.done().get(20, TimeUnit.SECONDS);
        }
    }
}
