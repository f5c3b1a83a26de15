package dev.autost.scorer;

import dev.autost.domain.space.ModelSetting;
import dev.autost.messaging.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an {@link ExperimentCache} up to date from the compacted {@code autost.experiments}
 * topic, read from the beginning by a group-less consumer that is assigned every partition.
 *
 * <p>Why read-to-end on a miss: the sampler publishes an experiment's spec before its first
 * candidate, but the two topics are read by different fetches, so a candidate can arrive
 * before the scorer has fetched the spec. A candidate of an unknown experiment is therefore
 * dead-lettered only after this reader has caught up to the end offsets taken at that moment;
 * anything the sampler wrote before the candidate is then known.
 *
 * <p>Not thread-safe: the Kafka consumer is used only from the scorer's loop thread.
 */
final class ExperimentReader implements ExperimentSettings {

    private static final Logger LOG = LoggerFactory.getLogger(ExperimentReader.class);

    private static final Duration POLL = Duration.ofMillis(100);

    private final Consumer<byte[], byte[]> consumer;
    private final ExperimentCache cache;
    private final Duration timeout;
    private List<TopicPartition> partitions = List.of();

    /**
     * @param consumer a consumer without group id and without auto commit
     * @param timeout bound of one catch-up (metadata, end offsets and fetching)
     */
    ExperimentReader(Consumer<byte[], byte[]> consumer, ExperimentCache cache, Duration timeout) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Assigns all partitions, seeks to the beginning and reads to the end.
     *
     * @throws ScorerException if the topic does not exist or cannot be read in time
     */
    void start() {
        List<PartitionInfo> infos = consumer.partitionsFor(Topics.EXPERIMENTS, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new ScorerException("topic " + Topics.EXPERIMENTS
                    + " does not exist; create the topics (TopicAdmin.ensureTopics) before starting");
        }
        partitions = infos.stream()
                .map(i -> new TopicPartition(i.topic(), i.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        catchUp();
        LOG.info("Read {} to its end: {} experiment(s) known", Topics.EXPERIMENTS, cache.size());
    }

    /** Applies whatever is already fetched or arrives at once; never waits. */
    void pollNow() {
        apply(consumer.poll(Duration.ZERO));
    }

    /**
     * Reads until every partition's position reaches the end offset taken now.
     *
     * @throws ScorerException if that takes longer than the timeout
     */
    void catchUp() {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        while (!reached(end)) {
            if (System.nanoTime() > deadline) {
                throw new ScorerException(
                        "could not read " + Topics.EXPERIMENTS + " to its end " + end + " within " + timeout);
            }
            apply(consumer.poll(POLL));
        }
    }

    @Override
    public ModelSetting settingOf(String experimentId) {
        if (!cache.knows(experimentId)) {
            catchUp();
        }
        return cache.settingOf(experimentId);
    }

    void wakeup() {
        consumer.wakeup();
    }

    void close(Duration closeTimeout) {
        consumer.close(CloseOptions.timeout(closeTimeout));
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), timeout) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void apply(ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            cache.apply(r.key(), r.value());
        }
    }
}
