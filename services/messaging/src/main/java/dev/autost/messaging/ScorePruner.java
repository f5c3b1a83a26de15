package dev.autost.messaging;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.autost.messaging.codec.ReportMessages;
import dev.autost.proto.v1.Report;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Retention of finished experiments: deletes their scores from the compacted scores topic with
 * tombstones, so that the topic (and every replay of it) stops growing with the history. What an
 * experiment is afterwards is its summary, the evaluator's final report (its best and trained
 * candidates, fronts, correlations), with its spec, reports and train results, which stay.
 *
 * <p>Finished means: the evaluator's FINISHED, STOPPED or FAILED report is stored, and its record
 * is older than the cut-off. Running experiments are never touched. Idempotent: a key whose last
 * record is already a tombstone is not deleted again.
 */
public final class ScorePruner {
    /** One finished experiment and what pruning does to it. */
    public record Pruned(String experimentId, Instant finishedAt, int scores) {}

    private final Consumer<byte[], byte[]> consumer;
    private final Duration timeout;

    /**
     * @param consumer a consumer without group id and without auto commit (read from the start)
     * @param timeout  bound of a stall while reading a topic
     */
    public ScorePruner(Consumer<byte[], byte[]> consumer, Duration timeout) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * The experiments finished before {@code cutoff} (all of them, or only {@code onlyId} when not
     * null) and the keys of their scores still on the topic, oldest experiment first.
     */
    public Plan plan(Instant cutoff, String onlyId) throws InterruptedException {
        Map<String, Instant> finished = new HashMap<>();
        TopicReader reports = TopicReader.fromStart(consumer, List.of(Topics.REPORTS), timeout);
        reports.readToEnd(
                records -> records.forEach(r -> {
                    String key = r.key() == null ? "" : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
                    if (!Topics.isEvaluationKey(key)) {
                        return;
                    }
                    String id = Topics.experimentOfKey(r.key());
                    Instant at = finalAt(r);
                    if (at == null) {
                        finished.remove(id); // the last word is not final (or unreadable)
                    } else {
                        finished.put(id, at);
                    }
                }),
                () -> true);
        finished.values().removeIf(at -> at.isAfter(cutoff));
        if (onlyId != null) {
            finished.keySet().retainAll(java.util.Set.of(onlyId));
        }
        // Per experiment, its live score keys: the last record per key decides, so a key whose
        // last record is a tombstone is gone.
        Map<String, Map<String, byte[]>> live = new HashMap<>();
        if (!finished.isEmpty()) {
            TopicReader scores = TopicReader.fromStart(consumer, List.of(Topics.SCORES), timeout);
            scores.readToEnd(
                    records -> records.forEach(r -> {
                        String id = Topics.experimentOfKey(r.key());
                        if (id == null || !finished.containsKey(id)) {
                            return;
                        }
                        Map<String, byte[]> of = live.computeIfAbsent(id, x -> new HashMap<>());
                        String k = new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
                        if (r.value() == null) {
                            of.remove(k);
                        } else {
                            of.put(k, r.key());
                        }
                    }),
                    () -> true);
        }
        Map<String, List<byte[]>> keys = new TreeMap<>();
        live.forEach((id, of) -> {
            if (!of.isEmpty()) {
                keys.put(id, List.copyOf(of.values()));
            }
        });
        List<Pruned> experiments = new ArrayList<>();
        finished.forEach((id, at) -> experiments.add(
                new Pruned(id, at, keys.getOrDefault(id, List.of()).size())));
        experiments.sort(java.util.Comparator.comparing(Pruned::finishedAt).thenComparing(Pruned::experimentId));
        return new Plan(experiments, keys);
    }

    /** What {@link #plan} found; {@link #apply} deletes it. */
    public record Plan(List<Pruned> experiments, Map<String, List<byte[]>> keys) {
        /** Score records to delete. */
        public long scores() {
            return experiments.stream().mapToLong(Pruned::scores).sum();
        }
    }

    /** Sends a tombstone for every key of the plan and waits for the broker's acknowledgements. */
    public static void apply(Plan plan, Producer<byte[], byte[]> producer) throws InterruptedException {
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        for (List<byte[]> ks : plan.keys().values()) {
            for (byte[] k : ks) {
                sent.add(producer.send(new ProducerRecord<>(Topics.SCORES, k, null)));
            }
        }
        producer.flush();
        for (java.util.concurrent.Future<?> f : sent) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new MessagingException("a tombstone for " + Topics.SCORES + " was refused: " + e.getCause(), e);
            }
        }
    }

    /** When the evaluator's final report in {@code r} was written, or null if it is not final. */
    private static Instant finalAt(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return null;
        }
        try {
            return ReportMessages.isFinal(Report.parseFrom(r.value()).getPhase())
                    ? Instant.ofEpochMilli(r.timestamp())
                    : null;
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }
}
