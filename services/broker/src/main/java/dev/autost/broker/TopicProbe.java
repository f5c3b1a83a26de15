package dev.autost.broker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads what landed on a topic, for integration tests that check a service's outputs on a real
 * broker: every partition from the start, the records whose key starts with a prefix, until a
 * condition holds or the wait is over.
 */
public final class TopicProbe {
    private TopicProbe() {}

    /**
     * @return the matching records read when {@code until} first held, or all read within {@code wait}
     */
    public static List<ConsumerRecord<byte[], byte[]>> read(
            String bootstrapServers,
            String topic,
            String keyPrefix,
            Predicate<List<ConsumerRecord<byte[], byte[]>>> until,
            Duration wait) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class))) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + wait.toNanos();
            while (!until.test(out) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && new String(r.key(), StandardCharsets.UTF_8).startsWith(keyPrefix)) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }
}
