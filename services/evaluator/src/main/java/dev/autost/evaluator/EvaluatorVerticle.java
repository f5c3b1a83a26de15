package dev.autost.evaluator;

import dev.autost.messaging.ReplayingVerticle;
import dev.autost.messaging.Topics;
import dev.autost.observability.AutostMeters;
import java.time.Clock;
import java.util.List;

/**
 * The evaluator service: leaderboards per experiment from the compacted experiments (for each
 * one's objective), scores, reports and train-results topics, rebuilt by replay at every start.
 */
public final class EvaluatorVerticle extends ReplayingVerticle {
    /** The topics it replays and reads. */
    private static final List<String> TOPICS =
            List.of(Topics.EXPERIMENTS, Topics.SCORES, Topics.REPORTS, Topics.TRAIN_RESULTS);

    /** @param meters where the service's progress and dead letters are counted */
    public EvaluatorVerticle(String bootstrapServers, String evaluatorId, Clock clock, AutostMeters meters) {
        super(
                EvaluatorHandler.SERVICE,
                bootstrapServers,
                evaluatorId,
                TOPICS,
                clock,
                meters.deadLetterCounter(EvaluatorHandler.SERVICE, TOPICS),
                meters.registry(),
                deadLetters -> new EvaluatorHandler(deadLetters, meters));
    }
}
