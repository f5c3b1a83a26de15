package dev.autost.sampler;

import dev.autost.messaging.ReplayingVerticle;
import dev.autost.messaging.Topics;
import dev.autost.observability.AutostMeters;
import java.time.Clock;
import java.util.List;

/**
 * The sampler service: drives every experiment's search through ask/tell over Kafka. One
 * instance per cluster; its state is rebuilt from the experiments, scores, reports, train-requests
 * and train-results topics at every start, so a restarted sampler resumes where the last one stopped. Start
 * completes after the replay was handled and the resumed outputs were acknowledged.
 */
public final class SamplerVerticle extends ReplayingVerticle {
    /** The topics it replays and reads. */
    private static final List<String> TOPICS =
            List.of(Topics.EXPERIMENTS, Topics.SCORES, Topics.REPORTS, Topics.TRAIN_RESULTS, Topics.TRAIN_REQUESTS);

    /** @param meters where the service's progress and dead letters are counted */
    public SamplerVerticle(String bootstrapServers, String samplerId, Clock clock, AutostMeters meters) {
        this(bootstrapServers, samplerId, clock, meters, SamplerLimits.DEFAULTS);
    }

    /** @param limits searches run at once, and candidates of each out to the scorers at once */
    public SamplerVerticle(
            String bootstrapServers, String samplerId, Clock clock, AutostMeters meters, SamplerLimits limits) {
        super(
                SamplerHandler.SERVICE,
                bootstrapServers,
                samplerId,
                TOPICS,
                clock,
                meters.deadLetterCounter(SamplerHandler.SERVICE, TOPICS),
                meters.registry(),
                deadLetters -> new SamplerHandler(deadLetters, meters, limits));
    }
}
