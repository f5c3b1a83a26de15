package dev.autost.messaging;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How one topic is created: name, partitions, replication and either compaction (state topics,
 * the last record per key is the truth), time retention (event topics) or none (work queues whose
 * records nobody may lose before they are consumed).
 *
 * @param name topic name, see {@link Topics}
 * @param partitions at least 1
 * @param replication replication factor, at least 1
 * @param compacted {@code cleanup.policy=compact} when true, {@code delete} otherwise
 * @param retention how long records are kept; {@code null} when {@code compacted}, or for an
 *     event topic whose records are kept for good ({@link #kept})
 */
public record TopicSpec(String name, int partitions, short replication, boolean compacted, Duration retention) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions of " + name + " must be >= 1 but was " + partitions);
        }
        if (replication < 1) {
            throw new IllegalArgumentException("replication of " + name + " must be >= 1 but was " + replication);
        }
        if (compacted && retention != null) {
            throw new IllegalArgumentException("compacted topic " + name + " takes no retention but got " + retention);
        }
        if (!compacted && retention != null && (retention.isNegative() || retention.isZero())) {
            throw new IllegalArgumentException(
                    "time-retained topic " + name + " needs a positive retention but got " + retention);
        }
    }

    /** A state topic: compacted, keyed by experiment id or experimentId/genomeHash. */
    public static TopicSpec compacted(String name, int partitions, short replication) {
        return new TopicSpec(name, partitions, replication, true, null);
    }

    /** An event topic: records are deleted after {@code retention}. */
    public static TopicSpec retained(String name, int partitions, short replication, Duration retention) {
        return new TopicSpec(name, partitions, replication, false, retention);
    }

    /**
     * An event topic whose records are never deleted by age ({@code retention.ms=-1}): a queue of
     * work that may wait longer than any retention (trainers down for a week).
     */
    public static TopicSpec kept(String name, int partitions, short replication) {
        return new TopicSpec(name, partitions, replication, false, null);
    }

    /** The same topic with another partition count. */
    public TopicSpec withPartitions(int newPartitions) {
        return new TopicSpec(name, newPartitions, replication, compacted, retention);
    }

    /** Topic-level configs that distinguish this spec from the broker defaults. */
    public Map<String, String> configs() {
        if (compacted) {
            return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        }
        return Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG,
                retention == null ? "-1" : Long.toString(retention.toMillis()));
    }

    /** The admin-client request that creates this topic. */
    public NewTopic toNewTopic() {
        return new NewTopic(name, partitions, replication).configs(configs());
    }
}
