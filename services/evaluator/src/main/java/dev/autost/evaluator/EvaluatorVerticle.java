package dev.autost.evaluator;

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
 * The evaluator service: leaderboards per experiment from the compacted scores, reports and
 * train-results topics, rebuilt by replay at every start. Kafka work on a dedicated thread.
 */
public final class EvaluatorVerticle extends VerticleBase {
    private final String bootstrapServers;
    private final String evaluatorId;
    private final Clock clock;
    private final dev.autost.observability.AutostMeters meters;
    private ReplayingLoop loop;

    public EvaluatorVerticle(String bootstrapServers, String evaluatorId) {
        this(bootstrapServers, evaluatorId, Clock.systemUTC());
    }

    public EvaluatorVerticle(String bootstrapServers, String evaluatorId, Clock clock) {
        this(bootstrapServers, evaluatorId, clock, dev.autost.observability.AutostMeters.noop());
    }

    /** @param meters where the best accuracy and dead letters are recorded */
    public EvaluatorVerticle(
            String bootstrapServers, String evaluatorId, Clock clock, dev.autost.observability.AutostMeters meters) {
        this.meters = java.util.Objects.requireNonNull(meters, "meters");
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.evaluatorId = Objects.requireNonNull(evaluatorId, "evaluatorId");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Future<?> start() {
        loop = new ReplayingLoop(
                "evaluator " + evaluatorId,
                KafkaClients.replayingConsumer(bootstrapServers, evaluatorId + "-in"),
                KafkaClients.producer(bootstrapServers, evaluatorId + "-out"),
                List.of(Topics.SCORES, Topics.REPORTS, Topics.TRAIN_RESULTS),
                new EvaluatorHandler(new DeadLetters(EvaluatorHandler.SERVICE, clock), meters),
                Duration.ofMillis(200),
                Duration.ofSeconds(60));
        new Thread(loop, "autost-evaluator-" + evaluatorId).start();
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
}
