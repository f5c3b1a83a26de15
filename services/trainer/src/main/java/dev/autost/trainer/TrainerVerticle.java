package dev.autost.trainer;

import dev.autost.messaging.CommittingLoop;
import dev.autost.messaging.ConcurrentJobLoop;
import dev.autost.messaging.DeadLetters;
import dev.autost.messaging.InFlightPartitions;
import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.LoopVerticle;
import dev.autost.messaging.ServiceLoop;
import dev.autost.messaging.Topics;
import dev.autost.models.data.Datasets;
import dev.autost.models.train.DjlSettings;
import dev.autost.observability.AutostMeters;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * The trainer service: consumes {@code autost.train-requests} in group {@code autost-trainer},
 * trains each request with DJL off the event loop ({@link TrainingHandler} in a {@link CommittingLoop}), publishes per-epoch
 * {@code TrainProgress} and the final {@code TrainResult}. One verticle is one group member
 * training {@code --concurrency K} jobs at once ({@link #workers}). Scale by adding members to the
 * group in other processes, or slots in this one.
 */
public final class TrainerVerticle extends LoopVerticle {
    /** Service name in dead letters. */
    public static final String SERVICE = "trainer";

    private final TrainerConfig config;
    private final Clock clock;
    private final AutostMeters meters;
    private final Datasets datasets;
    private ServiceLoop loop;

    public TrainerVerticle(TrainerConfig config) {
        this(config, Clock.systemUTC(), AutostMeters.noop());
    }

    public TrainerVerticle(TrainerConfig config, Clock clock, AutostMeters meters) {
        this(config, clock, meters, datasets(config));
    }

    private TrainerVerticle(TrainerConfig config, Clock clock, AutostMeters meters, Datasets datasets) {
        super(Objects.requireNonNull(meters, "meters").registry());
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.meters = meters;
        // Listed before the first training, so that its first results count for the alerts.
        meters.trainerFromZero(TrainingJob.meterDevice(config.device()));
        this.datasets = Objects.requireNonNull(datasets, "datasets");
    }

    /**
     * The trainer of one process: one group member training up to {@code config.concurrency()} jobs
     * at once, each on a thread of its own, all sharing the loaded datasets (and libtorch). One
     * member rather than one per job: a member owns whole partitions, and two requests in
     * partitions of one member were trained in turn while another member idled
     * ({@link ConcurrentJobLoop}).
     */
    public static List<TrainerVerticle> workers(TrainerConfig config, Clock clock, AutostMeters meters) {
        return List.of(new TrainerVerticle(config, clock, meters, datasets(config)));
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
                new DeadLetters(SERVICE, clock, meters.deadLetterCounter(SERVICE, List.of(Topics.TRAIN_REQUESTS))),
                trained,
                new StoppedExperiments(
                        KafkaClients.replayingConsumer(config.bootstrapServers(), config.trainerId() + "-experiments"),
                        java.time.Duration.ofSeconds(30)));
        InFlightPartitions inFlight = InFlightPartitions.register();
        // The requests' lag is the trainers' queue: the lag alert and the dashboard read it.
        var consumer = metered(KafkaClients.groupConsumer(
                config.bootstrapServers(),
                config.groupId(),
                config.trainerId() + "-requests",
                TrainingHandler.consumerSettings(inFlight)));
        var producer = metered(KafkaClients.producer(config.bootstrapServers(), config.trainerId() + "-out"));
        String name = "trainer " + config.trainerId();
        loop = config.concurrency() == 1
                ? new CommittingLoop(name, consumer, producer, handler, TrainingHandler.settings(config))
                        .keepingInFlight(inFlight)
                : new ConcurrentJobLoop(
                                name,
                                consumer,
                                producer,
                                handler,
                                TrainingHandler.settings(config),
                                config.concurrency())
                        .keepingInFlight(inFlight);
        return loop;
    }

    /** Whether this worker ended because it had nothing to do for its idle exit. */
    public boolean endedIdle() {
        return loop instanceof CommittingLoop c && c.endedIdle();
    }

    /** Requests this worker finished or dead-lettered. */
    public long handled() {
        if (loop instanceof ConcurrentJobLoop jobs) {
            return jobs.handled();
        }
        return loop == null ? 0 : ((CommittingLoop) loop).handled();
    }
}
