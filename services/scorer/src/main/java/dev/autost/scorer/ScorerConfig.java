package dev.autost.scorer;

import static dev.autost.messaging.ConfigChecks.requireBootstrapServers;
import static dev.autost.messaging.ConfigChecks.requirePositive;
import static dev.autost.messaging.ConfigChecks.requireText;

import java.time.Duration;

/**
 * Settings of one scorer instance. Immutable; validated when built, with messages naming the
 * field and the value.
 *
 * @param bootstrapServers Kafka {@code host:port[,host:port...]}
 * @param groupId consumer group of {@code autost.candidates}; all scorers share one group so
 *     they split the partitions
 * @param scorerId written into every score and used as Kafka client id
 * @param maxPollRecords candidates per batch; a batch is produced and acknowledged before its
 *     offsets are committed and the next batch is polled
 * @param pollTimeout longest wait of one poll when no candidate arrives
 * @param startTimeout bound of start-up steps (reading {@code autost.experiments} to its end)
 *     and of one later catch-up
 */
public record ScorerConfig(
        String bootstrapServers,
        String groupId,
        String scorerId,
        int maxPollRecords,
        Duration pollTimeout,
        Duration startTimeout) {

    public static final String DEFAULT_GROUP_ID = "autost-scorer";
    public static final String DEFAULT_SCORER_ID = "scorer";
    /** Kafka's own default; large enough to amortise the commit, small enough to stop fast. */
    public static final int DEFAULT_MAX_POLL_RECORDS = 2000;

    public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(200);
    /** A cold broker on a loaded 2-core machine can take several seconds to answer. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);

    /** Upper bound on a batch: the whole batch is held in memory until acknowledged. */
    public static final int MAX_POLL_RECORDS_LIMIT = 10_000;

    public ScorerConfig {
        bootstrapServers = requireBootstrapServers(bootstrapServers);
        groupId = requireText(groupId, "groupId");
        scorerId = requireText(scorerId, "scorerId");
        if (maxPollRecords < 1 || maxPollRecords > MAX_POLL_RECORDS_LIMIT) {
            throw new IllegalArgumentException(
                    "maxPollRecords must be in [1, " + MAX_POLL_RECORDS_LIMIT + "] but was " + maxPollRecords);
        }
        requirePositive(pollTimeout, "pollTimeout");
        requirePositive(startTimeout, "startTimeout");
    }

    /** The defaults against {@code bootstrapServers}. */
    public static ScorerConfig of(String bootstrapServers) {
        return new ScorerConfig(
                bootstrapServers,
                DEFAULT_GROUP_ID,
                DEFAULT_SCORER_ID,
                DEFAULT_MAX_POLL_RECORDS,
                DEFAULT_POLL_TIMEOUT,
                DEFAULT_START_TIMEOUT);
    }

    public ScorerConfig withGroupId(String value) {
        return new ScorerConfig(bootstrapServers, value, scorerId, maxPollRecords, pollTimeout, startTimeout);
    }

    public ScorerConfig withScorerId(String value) {
        return new ScorerConfig(bootstrapServers, groupId, value, maxPollRecords, pollTimeout, startTimeout);
    }

    public ScorerConfig withMaxPollRecords(int value) {
        return new ScorerConfig(bootstrapServers, groupId, scorerId, value, pollTimeout, startTimeout);
    }
}
