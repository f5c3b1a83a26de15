package dev.autost.trainer;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.autost.messaging.MessagingException;
import dev.autost.messaging.TopicReader;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.proto.v1.ExperimentSpec;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The experiments a lab has stopped, read from {@code autost.experiments} (a stop is the spec
 * announced again with option {@value ExperimentPlan#STOPPED_OPTION}) by a group-less consumer
 * from the start. A trainer skips the waiting requests of a stopped experiment and ends a running
 * one after its next epoch: before, a stop never reached the trainers, and a stopped experiment's
 * trainings went on to the end.
 *
 * <p>Used by one thread at a time, as {@link TrainedResults}: {@link #start} on the loop thread,
 * {@link #isStopped} on the job threads (synchronized), {@link #close} after the work stopped. A read that fails
 * counts as "not stopped": training on is the old behaviour, and the next look tries again.
 */
final class StoppedExperiments {
    private static final Logger LOG = LoggerFactory.getLogger(StoppedExperiments.class);

    private final Consumer<byte[], byte[]> consumer;
    private final Duration timeout;
    private final Set<String> stopped = ConcurrentHashMap.newKeySet();
    private TopicReader reader;

    /** @param consumer a consumer without group id and without auto commit */
    StoppedExperiments(Consumer<byte[], byte[]> consumer, Duration timeout) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Assigns every partition and reads to the end. */
    void start() {
        reader = TopicReader.fromStart(consumer, List.of(Topics.EXPERIMENTS), timeout);
        catchUp();
    }

    /** Whether the experiment was stopped, after reading what arrived since the last look. */
    synchronized boolean isStopped(String experimentId) {
        if (reader != null) {
            try {
                catchUp();
            } catch (MessagingException e) {
                LOG.warn(
                        "cannot read {} ({}); taking {} as not stopped",
                        Topics.EXPERIMENTS,
                        e.toString(),
                        experimentId);
            }
        }
        return stopped.contains(experimentId);
    }

    private void catchUp() {
        try {
            reader.readToEnd(this::apply, () -> true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingException("interrupted while reading " + Topics.EXPERIMENTS, null);
        }
    }

    private void apply(ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.value() == null) {
                continue;
            }
            try {
                ExperimentSpec spec = ExperimentSpec.parseFrom(r.value());
                if ("true".equals(spec.getOptionsOrDefault(ExperimentPlan.STOPPED_OPTION, "false"))) {
                    stopped.add(spec.getExperimentId());
                }
            } catch (InvalidProtocolBufferException e) {
                // Not a spec: the sampler dead-letters it.
            }
        }
    }

    void close(Duration closeTimeout) {
        consumer.close(CloseOptions.timeout(closeTimeout));
    }
}
