package dev.autost.messaging;

import dev.autost.messaging.codec.ExperimentPlan;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an {@link ExperimentCache} up to date from the compacted {@code autost.experiments}
 * topic, read from the beginning by a group-less consumer that is assigned every partition.
 *
 * <p>Why read-to-end on a miss: the sampler publishes an experiment's spec before its first
 * candidate, but the two topics are read by different fetches, so a candidate can arrive
 * before the scorer (or a score before the prober) has fetched the spec. A record of an unknown
 * experiment is therefore dead-lettered only after this reader has caught up to the end offsets
 * taken at that moment; anything the sampler wrote before the candidate is then known.
 *
 * <p>Not thread-safe: the Kafka consumer is used only from the owning service's loop thread.
 */
public final class ExperimentReader implements ExperimentPlans {

    private static final Logger LOG = LoggerFactory.getLogger(ExperimentReader.class);

    private final Consumer<byte[], byte[]> consumer;
    private final ExperimentCache cache;
    private final Duration timeout;
    private TopicReader reader;

    /**
     * @param consumer a consumer without group id and without auto commit
     * @param timeout bound of one catch-up (metadata, end offsets and fetching)
     */
    public ExperimentReader(Consumer<byte[], byte[]> consumer, ExperimentCache cache, Duration timeout) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** A reader of its own replaying consumer {@code clientId} of the cluster at {@code bootstrapServers}. */
    public static ExperimentReader of(String bootstrapServers, String clientId, Duration timeout) {
        return new ExperimentReader(
                KafkaClients.replayingConsumer(bootstrapServers, clientId), new ExperimentCache(), timeout);
    }

    /**
     * Assigns all partitions, seeks to the beginning and reads to the end.
     *
     * @throws dev.autost.messaging.MessagingException if the topic does not exist
     * @throws dev.autost.messaging.MessagingException if it cannot be read in time
     */
    public void start() {
        reader = TopicReader.fromStart(consumer, List.of(Topics.EXPERIMENTS), timeout);
        catchUp();
        LOG.info("Read {} to its end: {} experiment(s) known", Topics.EXPERIMENTS, cache.size());
    }

    /** Applies whatever is already fetched or arrives at once; never waits. */
    public void pollNow() {
        apply(consumer.poll(Duration.ZERO));
    }

    /**
     * Reads until every partition's position reaches the end offset taken now.
     *
     * @throws dev.autost.messaging.MessagingException if that takes longer than the timeout
     */
    public void catchUp() {
        try {
            reader.readToEnd(this::apply, () -> true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingException("interrupted while reading " + Topics.EXPERIMENTS, null);
        }
    }

    @Override
    public ExperimentPlan planOf(String experimentId) {
        if (!cache.knows(experimentId)) {
            catchUp();
        }
        return cache.planOf(experimentId);
    }

    public void wakeup() {
        consumer.wakeup();
    }

    public void close(Duration closeTimeout) {
        consumer.close(CloseOptions.timeout(closeTimeout));
    }

    private void apply(ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            cache.apply(r.key(), r.value());
        }
    }
}
