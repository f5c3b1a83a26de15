package dev.autost.scorer;

import dev.autost.messaging.DeadLetters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The scorer service: consumes {@code autost.candidates}, scores each candidate with {@link
 * ScoreFunction} and produces to {@code autost.scores} (key {@code experimentId/genomeHash}) or
 * {@code autost.dead-letters}.
 *
 * <p>The Kafka work runs on one dedicated thread ({@link ScoringLoop}) with the native
 * kafka-clients 4.4.0 consumer and producer rather than vertx-kafka-client, which is compiled
 * against kafka-clients 3.7 (see the platform notes). The verticle owns the lifecycle: {@link
 * #start()} completes once the consumer is subscribed and {@code autost.experiments} was read
 * to its end; {@link #stop()} completes after the loop ended and the clients were closed.
 * Topics must exist before deployment ({@link ScorerMain} creates them).
 */
public final class ScorerVerticle extends VerticleBase {

    /** Service name in dead letters. */
    public static final String SERVICE = "scorer";

    private final ScorerConfig config;
    private final Clock clock;
    private final dev.autost.observability.AutostMeters meters;
    private final java.util.List<AutoCloseable> clientMetrics = new java.util.ArrayList<>();
    private ScoringLoop loop;

    public ScorerVerticle(ScorerConfig config) {
        this(config, Clock.systemUTC());
    }

    /** @param clock stamps dead letters ({@code at_ms}) */
    public ScorerVerticle(ScorerConfig config, Clock clock) {
        this(config, clock, dev.autost.observability.AutostMeters.noop());
    }

    /** @param meters where scoring counts, latency, dead letters and Kafka client metrics go */
    public ScorerVerticle(ScorerConfig config, Clock clock, dev.autost.observability.AutostMeters meters) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    @Override
    public Future<?> start() {
        ExperimentCache cache = new ExperimentCache();
        ExperimentReader experiments =
                new ExperimentReader(new KafkaConsumer<>(experimentsConsumerConfig()), cache, config.startTimeout());
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(candidatesConsumerConfig());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig());
        // Consumer lag (records-lag-max) and client throughput, for the dashboard and autoscaling.
        bind(new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(consumer));
        bind(new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(producer));
        loop = new ScoringLoop(
                config,
                consumer,
                producer,
                experiments,
                new ScoreFunction(config.scorerId(), experiments),
                new DeadLetters(SERVICE, clock),
                meters);
        Thread thread = new Thread(loop, "autost-scorer-loop-" + config.scorerId());
        thread.start();
        return Future.fromCompletionStage(loop.ready(), context);
    }

    @Override
    public Future<?> stop() {
        if (loop == null) {
            return Future.succeededFuture();
        }
        loop.stop();
        return Future.fromCompletionStage(loop.done(), context).onComplete(x -> closeClientMetrics());
    }

    private void bind(io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics m) {
        m.bindTo(meters.registry());
        clientMetrics.add(m);
    }

    private void closeClientMetrics() {
        for (AutoCloseable c : clientMetrics) {
            try {
                c.close();
            } catch (Exception e) {
                // Best effort: the meters only describe clients that are gone.
            }
        }
        clientMetrics.clear();
    }

    /** Candidates scored and acknowledged so far (for tests and metrics). */
    public long scored() {
        return loop == null ? 0 : loop.scored();
    }

    /** Candidates sent to the dead-letter topic and acknowledged so far. */
    public long deadLettered() {
        return loop == null ? 0 : loop.deadLettered();
    }

    private Map<String, Object> candidatesConsumerConfig() {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                config.groupId(),
                ConsumerConfig.CLIENT_ID_CONFIG,
                config.scorerId() + "-candidates",
                // Offsets are committed by hand, after the batch's outputs are acknowledged.
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                // A new group starts at the first candidate: nothing published before it is skipped.
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                config.maxPollRecords(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class);
    }

    private Map<String, Object> experimentsConsumerConfig() {
        // No group: every scorer reads the whole compacted topic itself.
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.bootstrapServers(),
                ConsumerConfig.CLIENT_ID_CONFIG,
                config.scorerId() + "-experiments",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class);
    }

    private Map<String, Object> producerConfig() {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.bootstrapServers(),
                ProducerConfig.CLIENT_ID_CONFIG,
                config.scorerId() + "-producer",
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                // A few ms of batching: a poll delivers hundreds of candidates at once.
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class);
    }
}
