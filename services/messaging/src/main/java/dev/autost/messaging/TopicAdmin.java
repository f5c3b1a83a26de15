package dev.autost.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics a service needs and waits until they can really take records.
 *
 * <p>Why the wait: on Kafka 4.4 producing right after {@code createTopics()} can end in
 * {@code NOT_LEADER_OR_FOLLOWER} then {@code OutOfOrderSequenceException}, and an idempotent
 * producer then drops whole batches. Waiting for leaders in {@code describeTopics} was not
 * enough; looping {@code listOffsets(latest)} until every partition answers was (see the
 * platform notes). Call {@link #ensureTopics} at start-up, before the first produce.
 */
public final class TopicAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

    /** Pause between two readiness rounds; partitions usually answer within a few rounds. */
    private static final long POLL_INTERVAL_MS = 100;

    /** Upper bound of one admin call, so a single hung request cannot eat the whole deadline. */
    private static final long MAX_CALL_MS = 5_000;

    private TopicAdmin() {}

    /**
     * Creates the missing topics of {@code specs} and returns once every partition of every topic
     * answers a {@code listOffsets(latest)} request. Existing topics are left as they are; a
     * topic this client may not create (ACLs without Create) is expected to exist already.
     *
     * @return the names of the topics this call created (empty if all existed)
     * @throws MessagingException if a topic cannot be created or is not ready within {@code
     *     timeout}; the message names the topics
     */
    public static Set<String> ensureTopics(Admin admin, Collection<TopicSpec> specs, Duration timeout) {
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(specs, "specs");
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> names = specs.stream().map(TopicSpec::name).toList();
        if (names.isEmpty()) {
            return Set.of();
        }
        Set<String> created = create(admin, specs, deadline);
        Map<String, Integer> partitions = describePartitions(admin, names, deadline);
        awaitOffsets(admin, partitions, deadline);
        LOG.info("Topics ready: {} (created {})", names, created);
        return created;
    }

    private static Set<String> create(Admin admin, Collection<TopicSpec> specs, long deadline) {
        CreateTopicsResult result = admin.createTopics(
                specs.stream().map(TopicSpec::toNewTopic).toList(),
                // The whole remaining time: creation is one call and may be slow on a loaded broker.
                new CreateTopicsOptions()
                        .timeoutMs((int) Math.max(1, Math.min(Integer.MAX_VALUE, remainingMs(deadline)))));
        Set<String> created = new LinkedHashSet<>();
        for (Map.Entry<String, KafkaFuture<Void>> entry : result.values().entrySet()) {
            String topic = entry.getKey();
            try {
                entry.getValue().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
                created.add(topic);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicAuthorizationException) {
                    // A client allowed to use topics but not to create them (a KafkaUser's ACLs):
                    // the cluster's own topic resources make them; the readiness wait below
                    // names any that are missing.
                    LOG.info("Not allowed to create topic {}; expecting it to exist", topic);
                } else if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new MessagingException("Could not create topic " + topic + ": " + e.getCause(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new MessagingException("Timed out creating topic " + topic, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MessagingException("Interrupted while creating topic " + topic, e);
            }
        }
        return created;
    }

    /** Partition count per topic; metadata may lag creation, so retries until the deadline. */
    private static Map<String, Integer> describePartitions(Admin admin, List<String> names, long deadline) {
        Map<String, Integer> partitions = new HashMap<>();
        Throwable lastError = null;
        while (partitions.size() < names.size()) {
            List<String> missing =
                    names.stream().filter(n -> !partitions.containsKey(n)).toList();
            for (Map.Entry<String, KafkaFuture<TopicDescription>> entry :
                    admin.describeTopics(missing).topicNameValues().entrySet()) {
                try {
                    TopicDescription description = entry.getValue().get(callTimeoutMs(deadline), TimeUnit.MILLISECONDS);
                    partitions.put(entry.getKey(), description.partitions().size());
                } catch (ExecutionException | TimeoutException e) {
                    lastError = e instanceof ExecutionException ? e.getCause() : e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new MessagingException("Interrupted while describing topics " + missing, e);
                }
            }
            if (partitions.size() < names.size()) {
                pauseOrFail(
                        deadline,
                        "Topics not described in time: "
                                + names.stream()
                                        .filter(n -> !partitions.containsKey(n))
                                        .toList(),
                        lastError);
            }
        }
        return partitions;
    }

    /** The workaround itself: every partition must answer listOffsets(latest). */
    private static void awaitOffsets(Admin admin, Map<String, Integer> partitions, long deadline) {
        Set<TopicPartition> pending = new LinkedHashSet<>();
        partitions.forEach((topic, count) -> {
            for (int p = 0; p < count; p++) {
                pending.add(new TopicPartition(topic, p));
            }
        });
        Throwable lastError = null;
        int rounds = 0;
        while (!pending.isEmpty()) {
            rounds++;
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            pending.forEach(tp -> request.put(tp, OffsetSpec.latest()));
            ListOffsetsResult result =
                    admin.listOffsets(request, new ListOffsetsOptions().timeoutMs(callTimeoutMs(deadline)));
            for (TopicPartition tp : new ArrayList<>(pending)) {
                try {
                    result.partitionResult(tp).get(callTimeoutMs(deadline), TimeUnit.MILLISECONDS);
                    pending.remove(tp);
                } catch (ExecutionException | TimeoutException e) {
                    lastError = e instanceof ExecutionException ? e.getCause() : e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new MessagingException("Interrupted while waiting for topics " + topics(pending), e);
                }
            }
            if (!pending.isEmpty()) {
                pauseOrFail(
                        deadline,
                        "Topics not ready (listOffsets unanswered) in time: " + topics(pending) + ", partitions "
                                + pending,
                        lastError);
            }
        }
        LOG.debug("All {} partitions answered listOffsets after {} round(s)", partitions, rounds);
    }

    private static void pauseOrFail(long deadline, String message, Throwable lastError) {
        if (remainingMs(deadline) <= POLL_INTERVAL_MS) {
            throw new MessagingException(
                    lastError == null ? message : message + "; last error: " + lastError, lastError);
        }
        try {
            Thread.sleep(POLL_INTERVAL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingException("Interrupted; " + message, e);
        }
    }

    private static Set<String> topics(Collection<TopicPartition> partitions) {
        Set<String> names = new TreeSet<>();
        partitions.forEach(tp -> names.add(tp.topic()));
        return names;
    }

    private static long remainingMs(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    private static int callTimeoutMs(long deadline) {
        return (int) Math.max(1, Math.min(MAX_CALL_MS, remainingMs(deadline)));
    }
}
