package dev.autost.sampler;

import dev.autost.messaging.DeadLetters;
import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.ReplayingLoop;
import dev.autost.messaging.Topics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The sampler service: drives every experiment's search through ask/tell over Kafka.
 * One instance per cluster; its state is rebuilt from the compacted experiments, scores and
 * reports topics at every start, so a restarted sampler resumes where the last one stopped.
 * The Kafka work runs on a dedicated thread ({@link ReplayingLoop}); {@link #start()} completes
 * after the replay was handled and the resumed outputs were acknowledged.
 */
public final class SamplerVerticle extends VerticleBase {
    private final String bootstrapServers;
    private final String samplerId;
    private final Clock clock;
    private final dev.autost.observability.AutostMeters meters;
    private ReplayingLoop loop;
    private SamplerHandler handler;

    public SamplerVerticle(String bootstrapServers, String samplerId) {
        this(bootstrapServers, samplerId, Clock.systemUTC());
    }

    public SamplerVerticle(String bootstrapServers, String samplerId, Clock clock) {
        this(bootstrapServers, samplerId, clock, dev.autost.observability.AutostMeters.noop());
    }

    /** @param meters where candidates produced, search progress and dead letters are counted */
    public SamplerVerticle(
            String bootstrapServers, String samplerId, Clock clock, dev.autost.observability.AutostMeters meters) {
        this.meters = Objects.requireNonNull(meters, "meters");
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.samplerId = Objects.requireNonNull(samplerId, "samplerId");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Future<?> start() {
        handler = new SamplerHandler(new DeadLetters(SamplerHandler.SERVICE, clock), meters);
        loop = new ReplayingLoop(
                "sampler " + samplerId,
                KafkaClients.replayingConsumer(bootstrapServers, samplerId + "-in"),
                KafkaClients.producer(bootstrapServers, samplerId + "-out"),
                List.of(Topics.EXPERIMENTS, Topics.SCORES, Topics.REPORTS),
                handler,
                Duration.ofMillis(200),
                Duration.ofSeconds(60));
        new Thread(loop, "autost-sampler-" + samplerId).start();
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

    /** Candidates published by this instance. */
    public long candidatesPublished() {
        return handler == null ? 0 : handler.candidatesPublished();
    }

    /** Records dead-lettered by this instance. */
    public long deadLettered() {
        return handler == null ? 0 : handler.deadLettered();
    }
}
