package dev.autost.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void defaults_stateTopics_areCompactedOthersRetained() {
        Map<String, Boolean> compacted =
                Topics.defaults().stream().collect(Collectors.toMap(TopicSpec::name, TopicSpec::compacted));

        assertEquals(
                Map.of(
                        Topics.EXPERIMENTS,
                        true,
                        Topics.SCORES,
                        true,
                        Topics.TRAIN_RESULTS,
                        true,
                        Topics.REPORTS,
                        true,
                        Topics.CANDIDATES,
                        false,
                        Topics.TRAIN_REQUESTS,
                        false,
                        Topics.TRAIN_PROGRESS,
                        false,
                        Topics.DEAD_LETTERS,
                        false),
                compacted);
    }

    @Test
    void defaults_givenPartitions_appliesToEveryTopic() {
        Set<Integer> partitions = Topics.defaults(5, (short) 1).stream()
                .map(TopicSpec::partitions)
                .collect(Collectors.toSet());

        assertEquals(Set.of(5), partitions);
    }

    @Test
    void configs_retainedTopic_setsDeletePolicyAndRetentionMs() {
        TopicSpec spec = TopicSpec.retained("t", 1, (short) 1, Duration.ofHours(1));

        assertEquals(Map.of("cleanup.policy", "delete", "retention.ms", "3600000"), spec.configs());
        assertEquals(
                Map.of("cleanup.policy", "compact"),
                TopicSpec.compacted("t", 1, (short) 1).configs());
    }

    /**
     * Train requests wait for a trainer however long that takes: with the 7-day retention of the
     * other event topics, a backlog older than that was deleted untrained and its experiment never
     * finished.
     */
    @Test
    void defaults_trainRequests_areNeverDeletedByAge() {
        TopicSpec requests = Topics.defaults().stream()
                .filter(t -> t.name().equals(Topics.TRAIN_REQUESTS))
                .findFirst()
                .orElseThrow();
        assertEquals(Map.of("cleanup.policy", "delete", "retention.ms", "-1"), requests.configs());
    }

    @Test
    void constructor_compactedWithRetention_throwsNamingTopic() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new TopicSpec("autost.scores", 1, (short) 1, true, Duration.ofDays(1)));

        assertTrue(e.getMessage().contains("autost.scores"), e.getMessage());
    }

    @Test
    void constructor_zeroPartitions_throws() {
        assertThrows(IllegalArgumentException.class, () -> TopicSpec.compacted("t", 0, (short) 1));
    }

    @Test
    void genomeKey_validParts_joinsWithSlash() {
        assertEquals("exp-1/abc", Topics.genomeKey("exp-1", "abc"));
        assertThrows(IllegalArgumentException.class, () -> Topics.genomeKey("a/b", "abc"));
    }
}
