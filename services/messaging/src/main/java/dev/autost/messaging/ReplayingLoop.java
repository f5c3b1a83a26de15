package dev.autost.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service loop whose state lives in compacted topics: at start it reads every given topic
 * from the beginning to the end offsets of that moment (the replay), hands each record to a
 * {@link Handler}, then keeps consuming and producing what the handler returns.
 *
 * <p>Why no consumer group: a restarted service must see the whole state again (every spec,
 * every score), not just what came after its last commit; offsets are never committed. What
 * the handler returns is sent with an idempotent producer, and the loop waits for the
 * acknowledgements before it polls again, so a crash never loses an output whose inputs were
 * already acted on without the output being durable: after a restart the replay recomputes it.
 *
 * <p>Runs on one dedicated thread (the Kafka consumer is single-threaded); the handler is
 * called only from that thread.
 */
public final class ReplayingLoop implements Runnable {

    /** What a service does with its records. Called from the loop thread only. */
    public interface Handler {
        /**
         * One record, replayed or new. Must not throw for bad input: return a dead letter instead.
         *
         * @param replaying true while the start-up replay is running
         * @return records to produce (may be empty)
         */
        List<ProducerRecord<byte[], byte[]>> onRecord(ConsumerRecord<byte[], byte[]> record, boolean replaying);

        /** Called once when the replay reached the end of every topic; may resume work. */
        List<ProducerRecord<byte[], byte[]>> onCaughtUp();

        /**
         * {@link #onRecord} threw: a bug, or input the handler did not foresee. The loop logs it and
         * goes on with the next record, so one record never stops the service; a handler with a
         * dead-letter topic returns the record's dead letter here. The default skips it.
         */
        default List<ProducerRecord<byte[], byte[]>> onUnexpected(
                ConsumerRecord<byte[], byte[]> record, RuntimeException error) {
            return List.of();
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ReplayingLoop.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration ACK_WAIT = Duration.ofMillis(100);

    private final String name;
    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final List<String> topics;
    private final Handler handler;
    private final Duration pollTimeout;
    private final Duration startTimeout;

    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile boolean running = true;

    /**
     * @param consumer a consumer without group id and without auto commit
     * @param producer an idempotent producer
     */
    public ReplayingLoop(
            String name,
            Consumer<byte[], byte[]> consumer,
            Producer<byte[], byte[]> producer,
            List<String> topics,
            Handler handler,
            Duration pollTimeout,
            Duration startTimeout) {
        this.name = Objects.requireNonNull(name, "name");
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topics = List.copyOf(topics);
        this.handler = Objects.requireNonNull(handler, "handler");
        this.pollTimeout = Objects.requireNonNull(pollTimeout, "pollTimeout");
        this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
    }

    /** Completes once the replay was handled and its outputs acknowledged. */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** Completes after the loop ended and the clients were closed. */
    public CompletableFuture<Void> done() {
        return done;
    }

    /** Asks the loop to end; outputs not yet acknowledged are recomputed by the next replay. */
    public void stop() {
        running = false;
        consumer.wakeup();
    }

    @Override
    public void run() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, startTimeout);
                if (infos == null || infos.isEmpty()) {
                    throw new TopicSetupException("topic " + topic + " does not exist; create the topics first");
                }
                infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            replay(partitions);
            send(handler.onCaughtUp());
            ready.complete(null);
            LOG.info("{}: replayed {} and running", name, topics);
            while (running) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(pollTimeout);
                List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    out.addAll(handle(r, false));
                }
                send(out);
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("{} woken up unexpectedly", name, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.error("{} stopped on an unexpected error", name, e);
            ready.completeExceptionally(e);
        } finally {
            ready.completeExceptionally(new MessagingException(name + " stopped before it was ready"));
            closeQuietly();
            done.complete(null);
        }
    }

    private void replay(List<TopicPartition> partitions) throws InterruptedException {
        Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, startTimeout));
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (running && !caughtUp(end)) {
            if (System.nanoTime() > deadline) {
                throw new MessagingException(
                        name + ": replay of " + topics + " did not reach the end within " + startTimeout);
            }
            List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                out.addAll(handle(r, true));
            }
            send(out);
        }
    }

    private List<ProducerRecord<byte[], byte[]>> handle(ConsumerRecord<byte[], byte[]> r, boolean replaying) {
        try {
            return handler.onRecord(r, replaying);
        } catch (RuntimeException e) {
            LOG.error("{}: handling {}-{}@{} failed; skipping it", name, r.topic(), r.partition(), r.offset(), e);
            return handler.onUnexpected(r, e);
        }
    }

    private boolean caughtUp(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sends and waits for every acknowledgement; resends what failed. A record the broker refuses
     * for good (too large, not serializable) is dropped with an error, and only that record.
     */
    private void send(List<ProducerRecord<byte[], byte[]>> records) throws InterruptedException {
        List<ProducerRecord<byte[], byte[]>> pending = records;
        while (!pending.isEmpty()) {
            List<Future<?>> sends = new ArrayList<>(pending.size());
            for (ProducerRecord<byte[], byte[]> r : pending) {
                sends.add(producer.send(r));
            }
            List<ProducerRecord<byte[], byte[]>> failed = new ArrayList<>();
            Throwable cause = null;
            for (int i = 0; i < sends.size(); i++) {
                try {
                    while (!await(sends.get(i))) {
                        if (!running) {
                            return;
                        }
                    }
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof org.apache.kafka.common.errors.RecordTooLargeException
                            || e.getCause() instanceof org.apache.kafka.common.errors.SerializationException) {
                        // Resending cannot help: drop what the broker will never take, keep the rest flowing.
                        LOG.error(
                                "{}: dropping a record for {} the broker refuses for good: {}",
                                name,
                                pending.get(i).topic(),
                                e.getCause().toString());
                    } else {
                        failed.add(pending.get(i));
                        cause = e.getCause();
                    }
                }
            }
            if (!failed.isEmpty()) {
                // Idempotent producer and keyed state: resending is harmless; order among them is kept.
                LOG.warn("{}: produce failed, resending {} record(s): {}", name, failed.size(), String.valueOf(cause));
                Thread.sleep(500);
            }
            pending = failed;
        }
    }

    private static boolean await(Future<?> f) throws ExecutionException, InterruptedException {
        try {
            f.get(ACK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    private void closeQuietly() {
        try {
            producer.close(CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warn("{}: closing the producer failed: {}", name, e.toString());
        }
        try {
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
        } catch (RuntimeException e) {
            LOG.warn("{}: closing the consumer failed: {}", name, e.toString());
        }
    }
}
