package dev.autost.trainer;

import dev.autost.messaging.DeadLetters;
import dev.autost.messaging.KafkaClients;
import dev.autost.observability.AutostMeters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The trainer service: consumes {@code autost.train-requests} in group {@code autost-trainer},
 * trains each request with DJL off the event loop ({@link TrainingLoop}), publishes per-epoch
 * {@code TrainProgress} and the final {@code TrainResult}. Scale by adding workers to the group
 * (one job per worker at a time).
 */
public final class TrainerVerticle extends VerticleBase {
    /** Service name in dead letters. */
    public static final String SERVICE = "trainer";

    private final TrainerConfig config;
    private final Clock clock;
    private final AutostMeters meters;
    private TrainingLoop loop;

    public TrainerVerticle(TrainerConfig config) {
        this(config, Clock.systemUTC(), AutostMeters.noop());
    }

    public TrainerVerticle(TrainerConfig config, Clock clock, AutostMeters meters) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    @Override
    public Future<?> start() {
        DjlSettings.applyDefaults();
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                config.groupId(),
                ConsumerConfig.CLIENT_ID_CONFIG,
                config.trainerId() + "-requests",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                // One job at a time: a worker never holds requests it is not training.
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                1,
                // Partitions move only when they must, so a busy worker rarely loses its request.
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class));
        Datasets datasets = new Datasets(config.dataDir(), config.limitTrain(), config.limitTest());
        loop = new TrainingLoop(
                config,
                consumer,
                KafkaClients.producer(config.bootstrapServers(), config.trainerId() + "-out"),
                new TrainingJob(config, datasets, meters),
                new DeadLetters(SERVICE, clock));
        new Thread(loop, "autost-trainer-" + config.trainerId()).start();
        return Future.fromCompletionStage(loop.ready(), context);
    }

    @Override
    public Future<?> stop() {
        if (loop == null) {
            return Future.succeededFuture();
        }
        loop.stop();
        return Future.fromCompletionStage(loop.done(), context);
    }

    /** Requests this worker finished or dead-lettered. */
    public long handled() {
        return loop == null ? 0 : loop.handled();
    }

    /** Completes when the loop ended (stopped, or {@code maxRequests} reached). */
    public java.util.concurrent.CompletableFuture<Void> done() {
        return loop.done();
    }
}
