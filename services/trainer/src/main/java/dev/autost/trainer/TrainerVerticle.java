package dev.autost.trainer;

import dev.autost.messaging.CommittingLoop;
import dev.autost.messaging.DeadLetters;
import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.LoopVerticle;
import dev.autost.messaging.ServiceLoop;
import dev.autost.models.data.Datasets;
import dev.autost.models.train.DjlSettings;
import dev.autost.observability.AutostMeters;
import java.time.Clock;
import java.util.Objects;

/**
 * The trainer service: consumes {@code autost.train-requests} in group {@code autost-trainer},
 * trains each request with DJL off the event loop ({@link TrainingHandler} in a {@link CommittingLoop}), publishes per-epoch
 * {@code TrainProgress} and the final {@code TrainResult}. Scale by adding workers to the group
 * (one job per worker at a time).
 */
public final class TrainerVerticle extends LoopVerticle {
    /** Service name in dead letters. */
    public static final String SERVICE = "trainer";

    private final TrainerConfig config;
    private final Clock clock;
    private final AutostMeters meters;
    private CommittingLoop loop;

    public TrainerVerticle(TrainerConfig config) {
        this(config, Clock.systemUTC(), AutostMeters.noop());
    }

    public TrainerVerticle(TrainerConfig config, Clock clock, AutostMeters meters) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    @Override
    protected ServiceLoop createLoop() {
        DjlSettings.applyDefaults();
        TrainingHandler handler = new TrainingHandler(
                config,
                new TrainingJob(
                        config, new Datasets(config.dataDir(), config.limitTrain(), config.limitTest()), meters),
                new DeadLetters(
                        SERVICE,
                        clock,
                        topic -> meters.deadLetters(SERVICE, topic).increment()));
        loop = new CommittingLoop(
                "trainer " + config.trainerId(),
                KafkaClients.groupConsumer(
                        config.bootstrapServers(),
                        config.groupId(),
                        config.trainerId() + "-requests",
                        TrainingHandler.CONSUMER_SETTINGS),
                KafkaClients.producer(config.bootstrapServers(), config.trainerId() + "-out"),
                handler,
                TrainingHandler.settings(config));
        return loop;
    }

    /** Requests this worker finished or dead-lettered. */
    public long handled() {
        return loop == null ? 0 : loop.handled();
    }
}
