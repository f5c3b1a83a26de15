package dev.autost.messaging;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions a group member has a record in work on, and the highest offset it took from
 * each, shared between its loop (which adds and removes them) and its consumer's {@link
 * KeepInFlightAssignor} (which tells the group leader). A consumer finds its instance by the id
 * in its config ({@link #CONFIG}): Kafka builds assignors by class name, not from an instance.
 */
public final class InFlightPartitions {
    /** Consumer config key naming the instance of this consumer. */
    public static final String CONFIG = "autost.in-flight-partitions";

    private static final Map<String, InFlightPartitions> REGISTRY = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();
    private final Map<TopicPartition, Integer> inWork = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> highestTaken = new ConcurrentHashMap<>();

    private InFlightPartitions() {}

    /** A new instance, found by its {@link #id()} until {@link #close}. */
    public static InFlightPartitions register() {
        InFlightPartitions p = new InFlightPartitions();
        REGISTRY.put(p.id, p);
        return p;
    }

    static InFlightPartitions find(Object id) {
        return id == null ? null : REGISTRY.get(id.toString());
    }

    public String id() {
        return id;
    }

    /** The record at {@code offset} of {@code tp} is taken into work. */
    public void started(TopicPartition tp, long offset) {
        inWork.merge(tp, 1, Integer::sum);
        highestTaken.merge(tp, offset, Math::max);
    }

    /** A record of {@code tp} taken into work is done (committed) or given up. */
    public void ended(TopicPartition tp) {
        inWork.computeIfPresent(tp, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Partitions with a record in work now. */
    public Set<TopicPartition> partitions() {
        return Set.copyOf(inWork.keySet());
    }

    /**
     * The offset to go on from in {@code tp} once assigned again, past every record this member
     * took (in work or done): after an eager rebalance the position is reset to the committed
     * offset, which is that of a record still in work. Null when nothing was taken from it.
     */
    public Long nextOffset(TopicPartition tp) {
        Long high = highestTaken.get(tp);
        return high == null ? null : high + 1;
    }

    /** Forgets what was taken from {@code tp}: another member owns it now. */
    public void lost(TopicPartition tp) {
        if (!inWork.containsKey(tp)) {
            highestTaken.remove(tp);
        }
    }

    public void close() {
        REGISTRY.remove(id);
    }
}
