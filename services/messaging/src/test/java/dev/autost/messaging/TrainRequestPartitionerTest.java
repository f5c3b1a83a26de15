package dev.autost.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.junit.jupiter.api.Test;

class TrainRequestPartitionerTest {
    private static final Node NODE = new Node(1, "127.0.0.1", 9092);

    private static Cluster cluster(String... topics) {
        List<PartitionInfo> parts = new java.util.ArrayList<>();
        for (String t : topics) {
            for (int p = 0; p < 3; p++) {
                parts.add(new PartitionInfo(t, p, NODE, new Node[] {NODE}, new Node[] {NODE}));
            }
        }
        return new Cluster("c", List.of(NODE), parts, Set.of(), Set.of());
    }

    /**
     * Two requests of one search shared a partition one time in three, and one worker trained both
     * in turn while the other idled: consecutive requests now take every partition in turn.
     */
    @Test
    void partition_trainRequests_takeThePartitionsInTurn() {
        TrainRequestPartitioner p = new TrainRequestPartitioner();
        Cluster c = cluster(Topics.TRAIN_REQUESTS);
        byte[] key = "exp/abc".getBytes(StandardCharsets.UTF_8);
        Set<Integer> used = new TreeSet<>();
        for (int i = 0; i < 3; i++) {
            used.add(p.partition(Topics.TRAIN_REQUESTS, null, key, null, null, c));
        }
        assertEquals(Set.of(0, 1, 2), used, "the same key on every partition in turn");
    }

    /** Compacted topics keep each key where Kafka's default puts it: stored data stays findable. */
    @Test
    void partition_otherTopics_byKeyExactlyAsKafkasDefault() {
        TrainRequestPartitioner p = new TrainRequestPartitioner();
        Cluster c = cluster(Topics.SCORES, Topics.REPORTS);
        for (int i = 0; i < 200; i++) {
            byte[] key = ("exp-" + i + "/" + Integer.toHexString(i * 7919)).getBytes(StandardCharsets.UTF_8);
            assertEquals(
                    BuiltInPartitioner.partitionForKey(key, 3), p.partition(Topics.SCORES, null, key, null, null, c));
            assertEquals(
                    BuiltInPartitioner.partitionForKey(key, 3), p.partition(Topics.REPORTS, null, key, null, null, c));
        }
    }
}
