package dev.autost.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads whole topics with a group-less consumer: every partition assigned, read from the
 * beginning up to the end offsets of a moment. That is how a service rebuilds state kept in
 * compacted topics (the sampler's and evaluator's replay, the API's view, the scorer's
 * experiments, a client following an experiment). Not thread-safe: the consumer's thread only.
 */
public final class TopicReader {
    private static final Duration POLL = Duration.ofMillis(100);

    /** What to do with each poll's records; may send outputs, hence may be interrupted. */
    @FunctionalInterface
    public interface Sink {
        void accept(ConsumerRecords<byte[], byte[]> records) throws InterruptedException;
    }

    private final Consumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final Duration timeout;

    private TopicReader(Consumer<byte[], byte[]> consumer, List<TopicPartition> partitions, Duration timeout) {
        this.consumer = consumer;
        this.partitions = List.copyOf(partitions);
        this.timeout = timeout;
    }

    /**
     * Assigns every partition of {@code topics} to {@code consumer} and seeks to the beginning.
     *
     * @param consumer a consumer without group id and without auto commit
     * @param timeout  bound of metadata calls and of one {@link #readToEnd}
     * @throws MessagingException if a topic does not exist
     */
    public static TopicReader fromStart(
            Consumer<byte[], byte[]> consumer, Collection<String> topics, Duration timeout) {
        Objects.requireNonNull(consumer, "consumer");
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new MessagingException("topic " + topic + " does not exist; create the topics first", null);
            }
            infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return new TopicReader(consumer, partitions, timeout);
    }

    public List<TopicPartition> partitions() {
        return partitions;
    }

    /** The end offsets of every partition now. */
    public Map<TopicPartition, Long> endOffsets() {
        return consumer.endOffsets(partitions, timeout);
    }

    /** Whether the consumer's position reached {@code end} on every partition it names. */
    public boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), timeout) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Polls until every partition reaches the end offsets taken now, handing each poll's
     * records to {@code sink}.
     *
     * @param keepGoing polled between polls; false ends the read early (a service stopping)
     * @throws MessagingException if the end is not reached within the timeout
     */
    public void readToEnd(Sink sink, BooleanSupplier keepGoing) throws InterruptedException {
        Map<TopicPartition, Long> end = endOffsets();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (keepGoing.getAsBoolean() && !reached(end)) {
            if (System.nanoTime() > deadline) {
                throw new MessagingException(
                        "could not read " + partitions + " to their end offsets " + end + " within " + timeout, null);
            }
            sink.accept(consumer.poll(POLL));
        }
    }
}
