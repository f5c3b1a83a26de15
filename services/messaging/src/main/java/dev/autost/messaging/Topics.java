package dev.autost.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The AutoST topic names and their default settings, shared by services and tests.
 *
 * <p>State topics (experiments, scores, train-results, reports) are compacted: a service that
 * restarts rebuilds its view from the last record per key. Event topics (candidates,
 * train-requests, train-progress, dead-letters) are kept for a limited time.
 */
public final class Topics {

    public static final String EXPERIMENTS = "autost.experiments";
    public static final String CANDIDATES = "autost.candidates";
    public static final String SCORES = "autost.scores";
    public static final String TRAIN_REQUESTS = "autost.train-requests";
    public static final String TRAIN_PROGRESS = "autost.train-progress";
    public static final String TRAIN_RESULTS = "autost.train-results";
    public static final String REPORTS = "autost.reports";
    public static final String DEAD_LETTERS = "autost.dead-letters";

    /** Lets a few scorers and trainers share the work without over-partitioning one broker. */
    public static final int DEFAULT_PARTITIONS = 3;

    /** One node in development; production clusters pass 3. */
    public static final short DEFAULT_REPLICATION = 1;

    /** Long enough to replay a week-end of experiments, short enough for a laptop disk. */
    public static final Duration EVENT_RETENTION = Duration.ofDays(7);

    /** Dead letters wait longer: somebody has to look at them. */
    public static final Duration DEAD_LETTER_RETENTION = Duration.ofDays(30);

    private Topics() {}

    /** All topics with {@link #DEFAULT_PARTITIONS} and {@link #DEFAULT_REPLICATION}. */
    public static List<TopicSpec> defaults() {
        return defaults(DEFAULT_PARTITIONS, DEFAULT_REPLICATION);
    }

    /** All topics with the given partition count and replication factor. */
    public static List<TopicSpec> defaults(int partitions, short replication) {
        return List.of(
                TopicSpec.compacted(EXPERIMENTS, partitions, replication),
                TopicSpec.retained(CANDIDATES, partitions, replication, EVENT_RETENTION),
                TopicSpec.compacted(SCORES, partitions, replication),
                // Kept for good: a request deleted by age before a trainer took it was never
                // trained, and its experiment waited for its result for ever.
                TopicSpec.kept(TRAIN_REQUESTS, partitions, replication),
                TopicSpec.retained(TRAIN_PROGRESS, partitions, replication, EVENT_RETENTION),
                TopicSpec.compacted(TRAIN_RESULTS, partitions, replication),
                TopicSpec.compacted(REPORTS, partitions, replication),
                TopicSpec.retained(DEAD_LETTERS, partitions, replication, DEAD_LETTER_RETENTION));
    }

    /** Record key of experiment-wide messages (ExperimentSpec, Report). */
    public static String experimentKey(String experimentId) {
        return requireKeyPart(experimentId, "experimentId");
    }

    /** Key of the evaluator's report of an experiment on {@link #REPORTS} (the sampler's is {@link #experimentKey}). */
    public static String evaluationKey(String experimentId) {
        return experimentKey(experimentId) + EVALUATION_SUFFIX;
    }

    /** Whether a {@link #REPORTS} key is an evaluator's report. */
    public static boolean isEvaluationKey(String key) {
        return key.endsWith(EVALUATION_SUFFIX);
    }

    private static final String EVALUATION_SUFFIX = "/evaluation";

    /**
     * The experiment a record of any AutoST topic belongs to, read from its key alone (every key
     * starts with the experiment id, up to the first {@code /}): lets a service skip records of a
     * finished experiment without decoding them. Null for a record without key.
     */
    public static String experimentOfKey(byte[] key) {
        if (key == null) {
            return null;
        }
        String k = new String(key, java.nio.charset.StandardCharsets.UTF_8);
        int slash = k.indexOf('/');
        return slash < 0 ? k : k.substring(0, slash);
    }

    /** Record key of per-architecture messages: {@code experimentId/genomeHash}. */
    public static String genomeKey(String experimentId, String genomeHash) {
        return requireKeyPart(experimentId, "experimentId") + "/" + requireKeyPart(genomeHash, "genomeHash");
    }

    private static String requireKeyPart(String value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isEmpty() || value.indexOf('/') >= 0) {
            throw new IllegalArgumentException(field + " must be non-empty and contain no '/' but was '" + value + "'");
        }
        return value;
    }
}
