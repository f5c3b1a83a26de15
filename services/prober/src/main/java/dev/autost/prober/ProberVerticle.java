package dev.autost.prober;

import dev.autost.messaging.CommittingLoop;
import dev.autost.messaging.DeadLetters;
import dev.autost.messaging.ExperimentReader;
import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.LoopVerticle;
import dev.autost.messaging.ServiceLoop;
import dev.autost.messaging.Topics;
import dev.autost.models.train.DjlSettings;
import dev.autost.observability.AutostMeters;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The prober service: consumes {@code autost.scores} in its own consumer group, measures the
 * training-free proxies (SAHD, NASWOT, energy with the firing rates at initialisation) of the
 * candidates whose experiment's objective needs them, and publishes the enriched scores back to
 * {@code autost.scores}. Scales by partitions like the scorer, independently of it and of the
 * trainers; runs on CPU or GPU ({@link ProberConfig#device()}). Start completes once the consumer is
 * subscribed and {@code autost.experiments} was read to its end.
 */
public final class ProberVerticle extends LoopVerticle {
    /** Service name in dead letters. */
    public static final String SERVICE = "prober";

    private final ProberConfig config;
    private final Clock clock;
    private final AutostMeters meters;
    private ProbingHandler handler;

    /** @param meters where probe counts, latency, dead letters and Kafka client metrics go */
    public ProberVerticle(ProberConfig config, Clock clock, AutostMeters meters) {
        super(Objects.requireNonNull(meters, "meters").registry());
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.meters = meters;
    }

    @Override
    protected ServiceLoop createLoop() {
        DjlSettings.applyDefaults();
        String id = config.proberId();
        ExperimentReader experiments =
                ExperimentReader.of(config.bootstrapServers(), id + "-experiments", config.startTimeout());
        KafkaConsumer<byte[], byte[]> scores = meteredGroupConsumer(
                config.bootstrapServers(), config.groupId(), id + "-scores", config.maxPollRecords());
        KafkaProducer<byte[], byte[]> producer =
                metered(KafkaClients.producer(config.bootstrapServers(), id + "-producer"));
        handler = new ProbingHandler(
                experiments,
                experiments,
                config.table()
                        .<ProbingHandler.Probe>map(t -> new TableProbe(t)::measure)
                        .orElseGet(
                                () -> new ExperimentProbe(config.device(), config.dataDir(), config.images())::measure),
                new DeadLetters(SERVICE, clock, meters.deadLetterCounter(SERVICE, List.of(Topics.SCORES))),
                meters,
                config.device());
        return new CommittingLoop("prober " + id, scores, producer, handler, ProbingHandler.settings(config));
    }

    /** Scores published probed and acknowledged so far (tests, metrics). */
    public long probed() {
        return handler == null ? 0 : handler.probed();
    }
}
