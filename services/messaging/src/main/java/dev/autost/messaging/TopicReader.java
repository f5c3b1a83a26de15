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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads whole topics with a group-less consumer: every partition assigned, read from the
 * beginning up to the end offsets of a moment. That is how a service rebuilds state kept in
 * compacted topics (the sampler's and evaluator's replay, the API's view, the scorer's
 * experiments, a client following an experiment). Not thread-safe: the consumer's thread only.
 */
public final class TopicReader {
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Logger LOG = LoggerFactory.getLogger(TopicReader.class);

    /** How often a long read says how far it got. */
    static final Duration PROGRESS_LOG_INTERVAL = Duration.ofSeconds(10);

    /** What to do with each poll's records; may send outputs, hence may be interrupted. */
    @FunctionalInterface
    public interface Sink {
        void accept(ConsumerRecords<byte[], byte[]> records) throws InterruptedException;
    }

    /** How often a named read updates {@link ReplayProgress}. */
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

    private final Consumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final Duration timeout;
    /** Name under which reads report to {@link ReplayProgress}; null: they do not. */
    private String progressName;

    private TopicReader(Consumer<byte[], byte[]> consumer, List<TopicPartition> partitions, Duration timeout) {
        this.consumer = consumer;
        this.partitions = List.copyOf(partitions);
        this.timeout = timeout;
    }

    /**
     * Assigns every partition of {@code topics} to {@code consumer} and seeks to the beginning.
     *
     * @param consumer a consumer without group id and without auto commit
     * @param timeout  bound of metadata calls, and of a stall (no record) in {@link #readToEnd}
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

    /** Reads from now on report their progress to {@link ReplayProgress} under {@code name}. */
    public TopicReader reportingAs(String name) {
        this.progressName = name;
        return this;
    }

    public List<TopicPartition> partitions() {
        return partitions;
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
     * records to {@code sink}. The timeout bounds a stall, not the read: each poll that brings
     * records starts it again, so a service with months of history replays however long that
     * takes, while a broker that stops answering is still noticed. Long reads log their progress
     * every {@link #PROGRESS_LOG_INTERVAL}.
     *
     * @param keepGoing polled between polls; false ends the read early (a service stopping)
     * @throws MessagingException if no record arrives for the timeout before the end is reached
     */
    public void readToEnd(Sink sink, BooleanSupplier keepGoing) throws InterruptedException {
        read(partitions, sink, keepGoing);
    }

    /**
     * {@link #readToEnd} of the partitions of {@code first} alone; the others are paused meanwhile
     * and resumed after, where they were. A service reads the topics that tell it what is finished
     * this way before the bulky ones, so it can skip a finished experiment's records instead of
     * holding them until it learns that.
     */
    public void readToEnd(Collection<String> first, Sink sink, BooleanSupplier keepGoing) throws InterruptedException {
        List<TopicPartition> these =
                partitions.stream().filter(p -> first.contains(p.topic())).toList();
        List<TopicPartition> others =
                partitions.stream().filter(p -> !first.contains(p.topic())).toList();
        consumer.pause(others);
        try {
            read(these, sink, keepGoing);
        } finally {
            consumer.resume(others);
        }
    }

    private void read(List<TopicPartition> these, Sink sink, BooleanSupplier keepGoing) throws InterruptedException {
        Map<TopicPartition, Long> end = consumer.endOffsets(these, timeout);
        long start = System.nanoTime();
        long stallDeadline = start + timeout.toNanos();
        long nextLog = start + PROGRESS_LOG_INTERVAL.toNanos();
        long nextProgress = start;
        long read = 0;
        while (keepGoing.getAsBoolean() && !reached(end)) {
            long now = System.nanoTime();
            if (progressName != null && now >= nextProgress) {
                ReplayProgress.report(progressName, read, remaining(end));
                nextProgress = now + PROGRESS_INTERVAL.toNanos();
            }
            if (now > stallDeadline) {
                throw new MessagingException(
                        "no record for " + timeout + " while reading " + these + " to their end offsets " + end + " ("
                                + read + " records read, " + remaining(end) + " to go)",
                        null);
            }
            if (now > nextLog) {
                LOG.info("reading {}: {} records read, {} to go", topicNames(these), read, remaining(end));
                nextLog = now + PROGRESS_LOG_INTERVAL.toNanos();
            }
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            if (!records.isEmpty()) {
                read += records.count();
                stallDeadline = System.nanoTime() + timeout.toNanos();
            }
            sink.accept(records);
        }
    }

    /** Records between the consumer's positions and {@code end}. */
    private long remaining(Map<TopicPartition, Long> end) {
        long n = 0;
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            n += Math.max(0, e.getValue() - consumer.position(e.getKey(), timeout));
        }
        return n;
    }

    private static List<String> topicNames(List<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::topic).distinct().toList();
    }
}
