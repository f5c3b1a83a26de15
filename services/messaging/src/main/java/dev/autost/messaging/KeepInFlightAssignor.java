package dev.autost.messaging;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.TopicPartition;

/**
 * A partition assignor that leaves each partition with a record in work where it is: every member
 * sends the partitions it works on ({@link InFlightPartitions}) with its subscription, the leader
 * gives each member those first and spreads the others evenly. Trainers need it: a request takes
 * minutes to hours, and a trainer that joins meanwhile (KEDA starts one per lagging partition)
 * took the partition of a request in flight from Kafka's own assignors and trained it a second
 * time from the committed offset. Eager protocol: every member gives up its partitions at a
 * rebalance and gets its in-flight ones back; the loops go on past the records they took
 * ({@link InFlightPartitions#nextOffset}).
 */
public final class KeepInFlightAssignor implements ConsumerPartitionAssignor, Configurable {
    /** Name in the group protocol. */
    public static final String NAME = "autost-keep-in-flight";

    private InFlightPartitions inFlight;

    @Override
    public void configure(Map<String, ?> configs) {
        inFlight = InFlightPartitions.find(configs.get(InFlightPartitions.CONFIG));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ByteBuffer subscriptionUserData(Set<String> topics) {
        if (inFlight == null) {
            return null;
        }
        return encode(inFlight.partitions());
    }

    static ByteBuffer encode(Set<TopicPartition> partitions) {
        List<String> parts = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            parts.add(tp.topic() + "\n" + tp.partition());
        }
        return ByteBuffer.wrap(String.join("\n\n", parts).getBytes(StandardCharsets.UTF_8));
    }

    /** The partitions in {@code userData}; none for a member that sent none or garbage. */
    static Set<TopicPartition> decode(ByteBuffer userData) {
        Set<TopicPartition> out = new HashSet<>();
        if (userData == null || !userData.hasRemaining()) {
            return out;
        }
        ByteBuffer b = userData.duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        for (String part : new String(bytes, StandardCharsets.UTF_8).split("\n\n")) {
            int nl = part.lastIndexOf('\n');
            if (nl <= 0) {
                continue;
            }
            try {
                out.add(new TopicPartition(part.substring(0, nl), Integer.parseInt(part.substring(nl + 1))));
            } catch (NumberFormatException ignored) {
                // not ours: no claim
            }
        }
        return out;
    }

    @Override
    public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
        Map<String, Subscription> members = new TreeMap<>(groupSubscription.groupSubscription());
        Map<String, List<TopicPartition>> assigned = new TreeMap<>();
        members.keySet().forEach(m -> assigned.put(m, new ArrayList<>()));
        Set<TopicPartition> all = new HashSet<>();
        for (Subscription s : members.values()) {
            for (String topic : s.topics()) {
                Integer n = metadata.partitionCountForTopic(topic);
                for (int p = 0; n != null && p < n; p++) {
                    all.add(new TopicPartition(topic, p));
                }
            }
        }
        Set<TopicPartition> taken = new HashSet<>();
        for (Map.Entry<String, Subscription> m : members.entrySet()) {
            for (TopicPartition tp : decode(m.getValue().userData())) {
                if (all.contains(tp) && m.getValue().topics().contains(tp.topic()) && taken.add(tp)) {
                    assigned.get(m.getKey()).add(tp);
                }
            }
        }
        List<TopicPartition> rest = new ArrayList<>(all);
        rest.removeAll(taken);
        rest.sort((a, b) -> a.topic().equals(b.topic())
                ? Integer.compare(a.partition(), b.partition())
                : a.topic().compareTo(b.topic()));
        for (TopicPartition tp : rest) {
            String least = null;
            for (Map.Entry<String, Subscription> m : members.entrySet()) {
                if (m.getValue().topics().contains(tp.topic())
                        && (least == null
                                || assigned.get(m.getKey()).size()
                                        < assigned.get(least).size())) {
                    least = m.getKey();
                }
            }
            if (least != null) {
                assigned.get(least).add(tp);
            }
        }
        Map<String, Assignment> out = new HashMap<>();
        assigned.forEach((m, tps) -> out.put(m, new Assignment(tps)));
        return new GroupAssignment(out);
    }
}
