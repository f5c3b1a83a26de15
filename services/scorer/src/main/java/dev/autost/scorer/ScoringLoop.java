package dev.autost.scorer;

import dev.autost.messaging.DeadLetters;
import dev.autost.messaging.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume-score-produce loop, run on one dedicated thread because the native Kafka
 * consumer is single-threaded and its {@code poll} blocks.
 *
 * <p>One batch at a time: poll, score every record, send every score or dead letter, wait
 * until all sends are acknowledged, then commit the batch's offsets. A record is therefore
 * committed only after its output is durable (at-least-once); a crash between send and commit
 * replays the batch, which is harmless because scores are keyed by experiment and hash and are
 * deterministic. The next poll waits for the previous batch, so a slow broker slows the loop
 * down instead of filling memory (backpressure without pause/resume). A failed send seeks the
 * batch's partitions back and retries after a pause.
 */
final class ScoringLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ScoringLoop.class);

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** Slice of waiting for acknowledgements between checks of the stop flag. */
    private static final Duration ACK_WAIT = Duration.ofMillis(100);

    private final ScorerConfig config;
    private final Consumer<byte[], byte[]> candidates;
    private final Producer<byte[], byte[]> producer;
    private final ExperimentReader experiments;
    private final ScoreFunction function;
    private final DeadLetters deadLetters;
    private final dev.autost.observability.AutostMeters meters;
    private final io.micrometer.core.instrument.Timer scoring;
    private final io.micrometer.core.instrument.Counter scoredCounter;

    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final AtomicLong scored = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private volatile boolean running = true;

    ScoringLoop(
            ScorerConfig config,
            Consumer<byte[], byte[]> candidates,
            Producer<byte[], byte[]> producer,
            ExperimentReader experiments,
            ScoreFunction function,
            DeadLetters deadLetters) {
        this(
                config,
                candidates,
                producer,
                experiments,
                function,
                deadLetters,
                dev.autost.observability.AutostMeters.noop());
    }

    ScoringLoop(
            ScorerConfig config,
            Consumer<byte[], byte[]> candidates,
            Producer<byte[], byte[]> producer,
            ExperimentReader experiments,
            ScoreFunction function,
            DeadLetters deadLetters,
            dev.autost.observability.AutostMeters meters) {
        this.config = Objects.requireNonNull(config, "config");
        this.candidates = Objects.requireNonNull(candidates, "candidates");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.experiments = Objects.requireNonNull(experiments, "experiments");
        this.function = Objects.requireNonNull(function, "function");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.scoring = meters.scoring();
        this.scoredCounter = meters.candidatesScored();
    }

    /** Completes once subscribed and {@code autost.experiments} was read to its end. */
    CompletableFuture<Void> ready() {
        return ready;
    }

    /** Completes after the loop ended and the clients were closed. */
    CompletableFuture<Void> done() {
        return done;
    }

    long scored() {
        return scored.get();
    }

    long deadLettered() {
        return deadLettered.get();
    }

    /** Asks the loop to end; the batch in flight is finished or left uncommitted. */
    void stop() {
        running = false;
        candidates.wakeup();
        experiments.wakeup();
    }

    @Override
    public void run() {
        try {
            experiments.start();
            candidates.subscribe(List.of(Topics.CANDIDATES));
            ready.complete(null);
            LOG.info("Scorer {} consuming {} as group {}", config.scorerId(), Topics.CANDIDATES, config.groupId());
            while (running) {
                ConsumerRecords<byte[], byte[]> batch = candidates.poll(config.pollTimeout());
                experiments.pollNow();
                if (!batch.isEmpty()) {
                    process(batch);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("Scorer {} woken up unexpectedly", config.scorerId(), e);
                ready.completeExceptionally(e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ready.completeExceptionally(e);
        } catch (RuntimeException | Error e) {
            LOG.error("Scorer {} stopped on an unexpected error", config.scorerId(), e);
            ready.completeExceptionally(e);
        } finally {
            ready.completeExceptionally(new ScorerException("scorer stopped before it was ready"));
            closeQuietly();
            LOG.info(
                    "Scorer {} stopped: {} scored, {} dead-lettered",
                    config.scorerId(),
                    scored.get(),
                    deadLettered.get());
            done.complete(null);
        }
    }

    private void process(ConsumerRecords<byte[], byte[]> batch) throws InterruptedException {
        List<java.util.concurrent.Future<?>> sends = new ArrayList<>(batch.count());
        long batchScored = 0;
        long batchDead = 0;
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            long t0 = System.nanoTime();
            ScoreResult result = function.apply(record.value());
            scoring.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
            ProducerRecord<byte[], byte[]> out;
            if (result instanceof ScoreResult.Scored s) {
                byte[] key = Topics.genomeKey(
                                s.score().getExperimentId(), s.score().getGenomeHash())
                        .getBytes(StandardCharsets.UTF_8);
                out = new ProducerRecord<>(Topics.SCORES, key, s.score().toByteArray());
                batchScored++;
            } else {
                ScoreResult.Rejected r = (ScoreResult.Rejected) result;
                LOG.warn(
                        "Dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), r.reason());
                out = deadLetters.deadLetterRecord(record, r.reason(), r.error());
                batchDead++;
                meters.deadLetters(ScorerVerticle.SERVICE, record.topic()).increment();
            }
            sends.add(producer.send(out));
        }
        try {
            for (java.util.concurrent.Future<?> send : sends) {
                while (!awaitSend(send)) {
                    if (!running) {
                        // Stopping: leave the batch uncommitted; the next owner replays it.
                        LOG.info("Stopping with {} record(s) unacknowledged; they stay uncommitted", batch.count());
                        return;
                    }
                }
            }
        } catch (ExecutionException e) {
            LOG.warn(
                    "Produce failed for a batch of {} record(s), retrying in {}: {}",
                    batch.count(),
                    config.retryBackoff(),
                    e.getCause().toString());
            rewind(batch);
            Thread.sleep(config.retryBackoff().toMillis());
            return;
        }
        commit(batch);
        scored.addAndGet(batchScored);
        scoredCounter.increment(batchScored);
        deadLettered.addAndGet(batchDead);
    }

    /**
     * Waits a little for one send, so that {@link #stop()} is not held up for the producer's
     * whole delivery timeout (2 minutes by default) when the broker is gone.
     *
     * @return whether the send is acknowledged
     */
    private static boolean awaitSend(java.util.concurrent.Future<?> send)
            throws ExecutionException, InterruptedException {
        try {
            send.get(ACK_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    private void commit(ConsumerRecords<byte[], byte[]> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : batch.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> records = batch.records(tp);
            offsets.put(
                    tp, new OffsetAndMetadata(records.get(records.size() - 1).offset() + 1));
        }
        // Asynchronous: the outputs are already acknowledged, so waiting for the commit's round
        // trip only slows the loop. A lost or failed commit (a rebalance, a crash) makes the next
        // owner replay from the previous commit, which only duplicates idempotent scores; close()
        // completes pending commits.
        try {
            candidates.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    LOG.warn("Commit of {} failed; the next owner replays them: {}", committed, error.toString());
                }
            });
        } catch (CommitFailedException | RebalanceInProgressException e) {
            LOG.warn("Commit of {} failed after a rebalance; the new owner replays them: {}", offsets, e.toString());
        }
    }

    /** Seeks every partition of the batch back to its first record so the batch is polled again. */
    private void rewind(ConsumerRecords<byte[], byte[]> batch) {
        for (TopicPartition tp : batch.partitions()) {
            if (candidates.assignment().contains(tp)) {
                candidates.seek(tp, batch.records(tp).get(0).offset());
            }
        }
    }

    private void closeQuietly() {
        // Producer first: its close flushes, and nothing sent but unacknowledged is committed.
        try {
            producer.close(CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warn("Closing the producer failed: {}", e.toString());
        }
        try {
            candidates.close(CloseOptions.timeout(CLOSE_TIMEOUT));
        } catch (RuntimeException e) {
            LOG.warn("Closing the candidates consumer failed: {}", e.toString());
        }
        try {
            experiments.close(CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warn("Closing the experiments consumer failed: {}", e.toString());
        }
    }
}
