package dev.autost.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The replay read against Kafka's own in-memory consumer: how long it may take, and when it gives up. */
class TopicReaderTest {
    private static final String TOPIC = "history";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");

    private TopicReader reader(long records, Duration timeout) {
        consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, Node.noNode(), new Node[0], new Node[0])));
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        consumer.updateEndOffsets(Map.of(TP, records));
        return TopicReader.fromStart(consumer, List.of(TOPIC), timeout);
    }

    /** One record per poll, each after {@code pauseMs}: a long history on a busy broker. */
    private void trickle(int records, long pauseMs) {
        for (int i = 0; i < records; i++) {
            long offset = i;
            consumer.schedulePollTask(() -> {
                try {
                    Thread.sleep(pauseMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, offset, new byte[0], new byte[] {1}));
            });
        }
    }

    @Test
    void readToEnd_longerThanTheTimeoutButAlwaysProgressing_readsEverything() throws Exception {
        TopicReader r = reader(12, Duration.ofMillis(150));
        trickle(12, 50); // 600 ms in all, four times the timeout
        AtomicInteger read = new AtomicInteger();
        r.readToEnd(records -> read.addAndGet(records.count()), () -> true);
        assertEquals(12, read.get());
    }

    @Test
    void readToEnd_noRecordForTheTimeout_failsSayingHowFarItGot() {
        TopicReader r = reader(5, Duration.ofMillis(300));
        trickle(2, 0); // two of five records arrive, then nothing
        AtomicInteger read = new AtomicInteger();
        var e = assertThrows(
                MessagingException.class, () -> r.readToEnd(records -> read.addAndGet(records.count()), () -> true));
        assertEquals(2, read.get());
        assertTrue(e.getMessage().contains("2 records read, 3 to go"), e.getMessage());
    }
}
