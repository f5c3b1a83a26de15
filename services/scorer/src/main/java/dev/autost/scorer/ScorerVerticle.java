package dev.autost.scorer;

import dev.autost.messaging.CommittingLoop;
import dev.autost.messaging.DeadLetters;
import dev.autost.messaging.ExperimentReader;
import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.LoopVerticle;
import dev.autost.messaging.ServiceLoop;
import dev.autost.messaging.Topics;
import dev.autost.observability.AutostMeters;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The scorer service: consumes {@code autost.candidates} in its consumer group, scores each
 * candidate with {@link ScoreFunction} and produces to {@code autost.scores} (key {@code
 * experimentId/genomeHash}) or {@code autost.dead-letters}. Scale it by deploying more instances
 * in the same group.
 *
 * <p>The Kafka work runs in a {@link CommittingLoop} on its own thread, with the native
 * kafka-clients 4.4.0 consumer and producer rather than vertx-kafka-client, which is compiled
 * against kafka-clients 3.7 (see the platform notes). Start completes once the consumer is
 * subscribed and {@code autost.experiments} was read to its end. Topics must exist before
 * deployment ({@code TopicAdmin.ensureTopics}).
 */
public final class ScorerVerticle extends LoopVerticle {

    /** Service name in dead letters. */
    public static final String SERVICE = "scorer";

    private final ScorerConfig config;
    private final Clock clock;
    private final AutostMeters meters;
    private ScoringHandler handler;

    public ScorerVerticle(ScorerConfig config) {
        this(config, Clock.systemUTC());
    }

    /** @param clock stamps dead letters ({@code at_ms}) */
    public ScorerVerticle(ScorerConfig config, Clock clock) {
        this(config, clock, AutostMeters.noop());
    }

    /** @param meters where scoring counts, latency, dead letters and Kafka client metrics go */
    public ScorerVerticle(ScorerConfig config, Clock clock, AutostMeters meters) {
        super(Objects.requireNonNull(meters, "meters").registry());
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.meters = meters;
    }

    @Override
    protected ServiceLoop createLoop() {
        String id = config.scorerId();
        ExperimentReader experiments =
                ExperimentReader.of(config.bootstrapServers(), id + "-experiments", config.startTimeout());
        // Consumer lag (records-lag-max) and client throughput, for the dashboard and autoscaling.
        KafkaConsumer<byte[], byte[]> candidates = meteredGroupConsumer(
                config.bootstrapServers(), config.groupId(), id + "-candidates", config.maxPollRecords());
        KafkaProducer<byte[], byte[]> producer =
                metered(KafkaClients.producer(config.bootstrapServers(), id + "-producer"));
        handler = new ScoringHandler(
                experiments,
                new ScoreFunction(id, experiments),
                new DeadLetters(SERVICE, clock, meters.deadLetterCounter(SERVICE, List.of(Topics.CANDIDATES))),
                meters);
        return new CommittingLoop("scorer " + id, candidates, producer, handler, ScoringHandler.settings(config));
    }

    /** Candidates scored and acknowledged so far (for tests and metrics). */
    public long scored() {
        return handler == null ? 0 : handler.scored();
    }

    /** Candidates sent to the dead-letter topic and acknowledged so far. */
    public long deadLettered() {
        return handler == null ? 0 : handler.deadLettered();
    }
}
