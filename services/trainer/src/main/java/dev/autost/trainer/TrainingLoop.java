package dev.autost.trainer;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.autost.messaging.DeadLetters;
import dev.autost.messaging.Topics;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.TrainProgress;
import dev.autost.proto.v1.TrainRequest;
import dev.autost.proto.v1.TrainResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's Kafka loop, on its own thread: takes one train request at a time, trains it on a
 * second thread, and meanwhile keeps polling with its partitions paused, so the worker stays in
 * the consumer group however long a job takes ({@code max.poll.interval.ms} is about polls, not
 * jobs). The request's offset is committed only after its result is acknowledged: a worker
 * killed mid-job leaves the request to be redelivered, and the next worker resumes from the
 * checkpoint the job wrote after each epoch. Malformed requests go to the dead-letter topic.
 */
final class TrainingLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final TrainerConfig config;
    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final TrainingJob job;
    private final DeadLetters deadLetters;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "autost-trainer-job"));
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final AtomicLong handled = new AtomicLong();
    private volatile boolean running = true;

    TrainingLoop(
            TrainerConfig config,
            Consumer<byte[], byte[]> consumer,
            Producer<byte[], byte[]> producer,
            TrainingJob job,
            DeadLetters deadLetters) {
        this.config = Objects.requireNonNull(config, "config");
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.job = Objects.requireNonNull(job, "job");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    }

    CompletableFuture<Void> ready() {
        return ready;
    }

    CompletableFuture<Void> done() {
        return done;
    }

    /** Requests finished (result published and committed) or dead-lettered. */
    long handled() {
        return handled.get();
    }

    /** Ends the loop; a running job stops after its current epoch's checkpoint, uncommitted. */
    void stop() {
        running = false;
        consumer.wakeup();
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(Topics.TRAIN_REQUESTS));
            ready.complete(null);
            LOG.info(
                    "trainer {} consuming {} as group {} on {}",
                    config.trainerId(),
                    Topics.TRAIN_REQUESTS,
                    config.groupId(),
                    config.device());
            while (running && (config.maxRequests() == 0 || handled.get() < config.maxRequests())) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    if (!running) {
                        break;
                    }
                    handle(r);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("trainer {} woken up unexpectedly", config.trainerId(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.error("trainer {} stopped on an unexpected error", config.trainerId(), e);
            ready.completeExceptionally(e);
        } finally {
            ready.completeExceptionally(new IllegalStateException("trainer stopped before it was ready"));
            worker.shutdownNow();
            try {
                producer.close(CLOSE_TIMEOUT);
            } catch (RuntimeException e) {
                LOG.warn("closing the producer failed: {}", e.toString());
            }
            try {
                consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            } catch (RuntimeException e) {
                LOG.warn("closing the consumer failed: {}", e.toString());
            }
            done.complete(null);
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> r) throws InterruptedException {
        TrainRequest req;
        try {
            req = TrainRequest.parseFrom(r.value() == null ? new byte[0] : r.value());
            if (!SchemaVersions.isKnown(req.getSchemaVersion())) {
                throw new IllegalArgumentException(
                        "unknown schema_version " + Integer.toUnsignedString(req.getSchemaVersion()));
            }
            if (req.getExperimentId().isEmpty() || req.getGenomeHash().isEmpty() || !req.hasGenome()) {
                throw new IllegalArgumentException("a train request needs experiment_id, genome_hash and genome");
            }
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
            String reason = e instanceof InvalidProtocolBufferException
                    ? "cannot decode TrainRequest: " + e.getMessage()
                    : e.getMessage();
            LOG.warn("dead-lettering {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), reason);
            if (sendAndAwait(deadLetters.deadLetterRecord(r, reason, e))) {
                commit(r);
                handled.incrementAndGet();
            }
            return;
        }
        // Train on the worker thread; keep polling (paused) so the group keeps this member.
        consumer.pause(consumer.assignment());
        Future<TrainResult> result = worker.submit(() -> job.run(req, this::publishProgress, () -> running));
        try {
            while (!result.isDone()) {
                consumer.poll(POLL);
            }
        } catch (WakeupException e) {
            // stop() while training: the job sees running == false after its epoch.
        }
        TrainResult res;
        try {
            res = result.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("training job crashed", e.getCause());
        }
        if (res != null && sendAndAwait(new ProducerRecord<>(Topics.TRAIN_RESULTS, key(req), res.toByteArray()))) {
            commit(r);
            handled.incrementAndGet();
            LOG.info(
                    "trained {}/{}: {} {}",
                    req.getExperimentId(),
                    req.getGenomeHash(),
                    res.getStatus(),
                    res.getStatus() == TrainResult.Status.OK
                            ? "test accuracy " + res.getTestAccuracy()
                            : res.getFailureReason());
        }
        if (running) {
            consumer.resume(consumer.paused());
        }
    }

    private void publishProgress(TrainProgress p) {
        producer.send(new ProducerRecord<>(
                Topics.TRAIN_PROGRESS,
                Topics.genomeKey(p.getExperimentId(), p.getGenomeHash()).getBytes(StandardCharsets.UTF_8),
                p.toByteArray()));
    }

    private static byte[] key(TrainRequest req) {
        return Topics.genomeKey(req.getExperimentId(), req.getGenomeHash()).getBytes(StandardCharsets.UTF_8);
    }

    /** Sends and waits for the acknowledgement; false when it failed (the request stays uncommitted). */
    private boolean sendAndAwait(ProducerRecord<byte[], byte[]> record) throws InterruptedException {
        try {
            producer.send(record).get();
            return true;
        } catch (ExecutionException e) {
            LOG.warn(
                    "produce to {} failed; the request stays uncommitted and is redelivered: {}",
                    record.topic(),
                    e.getCause().toString());
            return false;
        }
    }

    private void commit(ConsumerRecord<byte[], byte[]> r) {
        try {
            consumer.commitSync(
                    Map.of(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1)));
        } catch (RuntimeException e) {
            LOG.warn(
                    "commit of {}-{}@{} failed; a redelivery will find the checkpoint or the result: {}",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.toString());
        }
    }
}
