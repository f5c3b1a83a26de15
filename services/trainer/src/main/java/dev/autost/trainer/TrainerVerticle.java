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
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The trainer service: consumes {@code autost.train-requests} in group {@code autost-trainer},
 * trains each request with DJL off the event loop ({@link TrainingHandler} in a {@link CommittingLoop}), publishes per-epoch
 * {@code TrainProgress} and the final {@code TrainResult}. One verticle is one worker: one group
 * member training one job at a time. Scale by adding workers to the group, in other processes or
 * in this one ({@link #workers}: {@code --concurrency K}).
 */
public final class TrainerVerticle extends LoopVerticle {
    /** Service name in dead letters. */
    public static final String SERVICE = "trainer";

    private final TrainerConfig config;
    private final Clock clock;
    private final AutostMeters meters;
    private final Datasets datasets;
    private CommittingLoop loop;

    public TrainerVerticle(TrainerConfig config) {
        this(config, Clock.systemUTC(), AutostMeters.noop());
    }

    public TrainerVerticle(TrainerConfig config, Clock clock, AutostMeters meters) {
        this(config, clock, meters, datasets(config));
    }

    private TrainerVerticle(TrainerConfig config, Clock clock, AutostMeters meters, Datasets datasets) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.datasets = Objects.requireNonNull(datasets, "datasets");
    }

    /**
     * The {@code config.concurrency()} workers of one trainer process: each its own group member and
     * job thread, all sharing the loaded datasets (and libtorch). Worker ids are the trainer id,
     * or {@code ID.1 .. ID.K} when there are several.
     */
    public static List<TrainerVerticle> workers(TrainerConfig config, Clock clock, AutostMeters meters) {
        Datasets shared = datasets(config);
        int k = config.concurrency();
        List<TrainerVerticle> workers = new ArrayList<>(k);
        for (int i = 1; i <= k; i++) {
            String id = k == 1 ? config.trainerId() : config.trainerId() + "." + i;
            workers.add(new TrainerVerticle(config.withInstance(config.bootstrapServers(), id), clock, meters, shared));
        }
        return workers;
    }

    private static Datasets datasets(TrainerConfig config) {
        return new Datasets(config.dataDir(), config.limitTrain(), config.limitTest());
    }

    @Override
    protected ServiceLoop createLoop() {
        DjlSettings.applyDefaults();
        TrainedResults trained = config.reuseTrainings()
                ? new TrainedResults(
                        KafkaClients.replayingConsumer(config.bootstrapServers(), config.trainerId() + "-results"),
                        java.time.Duration.ofSeconds(30))
                : null;
        TrainingHandler handler = new TrainingHandler(
                config,
                new TrainingJob(
                        config, datasets, meters, trained == null ? key -> java.util.Optional.empty() : trained::find),
                new DeadLetters(
                        SERVICE,
                        clock,
                        topic -> meters.deadLetters(SERVICE, topic).increment()),
                trained,
                new StoppedExperiments(
                        KafkaClients.replayingConsumer(config.bootstrapServers(), config.trainerId() + "-experiments"),
                        java.time.Duration.ofSeconds(30)));
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
