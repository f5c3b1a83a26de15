package dev.autost.trainer;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.autost.messaging.MessagingException;
import dev.autost.messaging.TopicReader;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.TrainMessages;
import dev.autost.proto.v1.TrainResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/**
 * The successful trainings the cluster holds, by training key, read from the compacted {@code
 * autost.train-results} from its start by a group-less consumer: what lets a trainer hand an
 * experiment a result another experiment already trained instead of training it again. Only
 * results that were trained (not themselves reused) are kept, the first per key.
 *
 * <p>The consumer is used by one thread at a time: {@link #start} on the loop thread before any
 * work, {@link #find} on the job threads (one at a time: it is synchronized), {@link #close} after
 * the work stopped. It is never
 * woken up: a read is bounded by its timeout, and a wake-up inside a job's lookup would fail the
 * job.
 */
final class TrainedResults {
    private final Consumer<byte[], byte[]> consumer;
    private final Duration timeout;
    private final Map<String, TrainResult> byKey = new ConcurrentHashMap<>();
    private TopicReader reader;

    /** @param consumer a consumer without group id and without auto commit */
    TrainedResults(Consumer<byte[], byte[]> consumer, Duration timeout) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Assigns every partition, reads from the start to the end. */
    void start() {
        reader = TopicReader.fromStart(consumer, List.of(Topics.TRAIN_RESULTS), timeout);
        catchUp();
    }

    /**
     * The first trained OK result with this key, after reading what arrived since the last look.
     *
     * @throws MessagingException if the topic cannot be read in time
     */
    synchronized Optional<TrainResult> find(String trainingKey) {
        catchUp();
        return Optional.ofNullable(byKey.get(trainingKey));
    }

    /** Results kept (tests, logs). */
    int size() {
        return byKey.size();
    }

    private void catchUp() {
        try {
            reader.readToEnd(this::apply, () -> true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingException("interrupted while reading " + Topics.TRAIN_RESULTS, null);
        }
    }

    private void apply(ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.value() == null) {
                continue;
            }
            try {
                TrainResult t = TrainResult.parseFrom(r.value());
                if (TrainMessages.succeeded(t)
                        && !t.getTrainingKey().isEmpty()
                        && t.getReusedFrom().isEmpty()
                        && t.getReplayedFromTable().isEmpty()) {
                    byKey.putIfAbsent(t.getTrainingKey(), t);
                }
            } catch (InvalidProtocolBufferException e) {
                // Not a result anyone can reuse; the evaluator dead-letters it.
            }
        }
    }

    void close(Duration closeTimeout) {
        consumer.close(CloseOptions.timeout(closeTimeout));
    }
}
