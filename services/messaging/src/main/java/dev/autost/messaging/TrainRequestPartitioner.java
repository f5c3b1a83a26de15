package dev.autost.messaging;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.utils.Utils;

/**
 * Spreads train requests over the partitions of {@code autost.train-requests} in turn, and puts
 * every other record where Kafka's default puts a keyed record (murmur2 of the key, so compacted
 * topics keep each key in one partition, as before).
 *
 * <p>Why: trainers scale by partition (one request at a time per group member). Keyed by
 * experiment and genome, two requests of a search landed in the same partition one time in three
 * with 3 partitions, and then one worker trained both in turn while the other sat idle, so
 * {@code --concurrency 2} often gave no speed-up. Train requests need no order by key: a
 * promotion of a genome is published only after its earlier rung's result.
 */
public final class TrainRequestPartitioner implements Partitioner {
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
        int partitions = cluster.partitionsForTopic(topic).size();
        if (topic.equals(Topics.TRAIN_REQUESTS) || keyBytes == null) {
            return Math.floorMod(next.getAndIncrement(), partitions);
        }
        return Utils.toPositive(Utils.murmur2(keyBytes)) % partitions;
    }

    @Override
    public void configure(Map<String, ?> configs) {}

    @Override
    public void close() {}
}
