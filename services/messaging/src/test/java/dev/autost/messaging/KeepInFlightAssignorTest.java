package dev.autost.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupSubscription;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class KeepInFlightAssignorTest {
    private static final String T = "autost.train-requests";

    private static Cluster cluster(int partitions) {
        Node n = new Node(0, "localhost", 9092);
        List<PartitionInfo> infos = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            infos.add(new PartitionInfo(T, p, n, new Node[] {n}, new Node[] {n}));
        }
        return new Cluster("c", List.of(n), infos, Set.of(), Set.of());
    }

    private static Subscription member(TopicPartition... inFlight) {
        return new Subscription(List.of(T), KeepInFlightAssignor.encode(Set.of(inFlight)));
    }

    private static Map<String, List<TopicPartition>> assign(Cluster c, Map<String, Subscription> members) {
        Map<String, List<TopicPartition>> out = new HashMap<>();
        new KeepInFlightAssignor()
                .assign(c, new GroupSubscription(members))
                .groupAssignment()
                .forEach((m, a) -> out.put(m, a.partitions()));
        return out;
    }

    @Test
    void assign_memberWithARecordInWork_keepsItsPartition_newMembersGetTheOthers() {
        TopicPartition p0 = new TopicPartition(T, 0);
        // "a" sorts first: an assignor by member order would hand it partition 0.
        Map<String, List<TopicPartition>> got =
                assign(cluster(3), Map.of("c-working", member(p0), "a-new", member(), "b-new", member()));
        assertEquals(List.of(p0), got.get("c-working"));
        assertEquals(List.of(new TopicPartition(T, 1)), got.get("a-new"));
        assertEquals(List.of(new TopicPartition(T, 2)), got.get("b-new"));
    }

    @Test
    void assign_noneInWork_spreadsEvenly_everyPartitionOnce() {
        Map<String, List<TopicPartition>> got = assign(cluster(7), Map.of("a", member(), "b", member(), "c", member()));
        List<TopicPartition> all = new ArrayList<>();
        got.values().forEach(all::addAll);
        assertEquals(7, all.size());
        assertEquals(7, Set.copyOf(all).size());
        got.values().forEach(l -> assertTrue(l.size() == 2 || l.size() == 3, got.toString()));
    }

    @Test
    void assign_twoClaimsOfOnePartition_orGarbage_eachPartitionStillOnce() {
        TopicPartition p1 = new TopicPartition(T, 1);
        Map<String, Subscription> members = Map.of(
                "a",
                member(p1),
                "b",
                member(p1, new TopicPartition(T, 99), new TopicPartition("other", 0)),
                "c",
                new Subscription(List.of(T), ByteBuffer.wrap("\u0000garbage".getBytes(StandardCharsets.UTF_8))));
        Map<String, List<TopicPartition>> got = assign(cluster(3), members);
        assertTrue(got.get("a").contains(p1), got.toString());
        List<TopicPartition> all = new ArrayList<>();
        got.values().forEach(all::addAll);
        assertEquals(Set.of(new TopicPartition(T, 0), p1, new TopicPartition(T, 2)), Set.copyOf(all));
        assertEquals(3, all.size());
    }

    @Test
    void inFlightPartitions_nextOffset_isPastEveryRecordTaken_andTheRegistryFindsIt() {
        InFlightPartitions f = InFlightPartitions.register();
        try {
            TopicPartition p0 = new TopicPartition(T, 0);
            f.started(p0, 4);
            f.started(p0, 6);
            assertEquals(7L, f.nextOffset(p0));
            assertEquals(Set.of(p0), f.partitions());
            f.ended(p0);
            assertEquals(Set.of(p0), f.partitions(), "one of two still in work");
            f.ended(p0);
            assertEquals(Set.of(), f.partitions());
            KeepInFlightAssignor a = new KeepInFlightAssignor();
            a.configure(Map.of(InFlightPartitions.CONFIG, f.id()));
            f.started(p0, 8);
            assertEquals(Set.of(p0), KeepInFlightAssignor.decode(a.subscriptionUserData(Set.of(T))));
        } finally {
            f.close();
        }
    }
}
