package dev.autost.messaging;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
 * A consumer-group worker loop with at-least-once delivery: poll, turn the records into outputs
 * ({@link Handler}), send every output and wait until each is acknowledged, only then commit the
 * records' offsets. A crash between send and commit makes the next owner handle the records
 * again, which is harmless because every output is keyed and deterministic. The next poll waits
 * for the previous batch, so a slow broker slows the loop instead of filling memory.
 *
 * <p>Two ways to handle a batch: on the loop thread (the scorer: microseconds a record), or
 * {@linkplain Settings#offLoop() off the loop} on a worker thread (the trainer: minutes a
 * request) while the loop keeps polling with its partitions paused, so the member stays in its
 * group however long the work takes ({@code max.poll.interval.ms} is about polls, not work).
 */
public final class CommittingLoop extends ServiceLoop {
    private static final Logger LOG = LoggerFactory.getLogger(CommittingLoop.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** What a service does with the records of one poll. */
    public interface Handler {
        /** Start-up work after subscribing, before the loop is ready (the scorer reads its experiments). */
        default void onStart() {}

        /** After every poll, also an empty one (the scorer catches up on experiments). */
        default void afterPoll() {}

        /**
         * The outputs of these records (results, dead letters), or null when the work was cut
         * short because the loop is stopping: then nothing is sent and nothing committed.
         */
        List<ProducerRecord<byte[], byte[]>> handle(ConsumerRecords<byte[], byte[]> records, Context context)
                throws InterruptedException;

        /** The outputs of a batch are acknowledged and its offsets committed (or being committed). */
        default void onHandled(ConsumerRecords<byte[], byte[]> records, List<ProducerRecord<byte[], byte[]>> outputs) {}

        /** Interrupts whatever the handler blocks on (another consumer), from any thread. */
        default void wakeup() {}

        /** Closes the handler's own clients, on the loop thread. */
        default void close() {}
    }

    /** What a handler may use while it works. Thread-safe. */
    public interface Context {
        /** False once the loop is stopping: long work should end at its next safe point. */
        boolean running();

        /**
         * Sends a side output (progress) without waiting for it, in the order given, on a thread of
         * its own: never blocks, even when the broker is gone. Losing one is acceptable.
         */
        void publish(ProducerRecord<byte[], byte[]> record);
    }

    /**
     * @param topic       the topic consumed in the group
     * @param pollTimeout longest wait of one poll
     * @param offLoop     handle batches on a worker thread while polling with paused partitions
     * @param syncCommit  wait for each commit (few, valuable records) or not (many cheap ones:
     *                    a lost commit only replays idempotent work)
     * @param maxBatches  stop after this many handled batches (0 = never): one-shot workers
     * @param idleExit    stop once nothing was polled and nothing was in work for this long
     *                    (zero = never): a one-shot worker assigned an empty partition
     */
    public record Settings(
            String topic,
            Duration pollTimeout,
            boolean offLoop,
            boolean syncCommit,
            long maxBatches,
            Duration idleExit) {
        /** Without an idle exit. */
        public Settings(String topic, Duration pollTimeout, boolean offLoop, boolean syncCommit, long maxBatches) {
            this(topic, pollTimeout, offLoop, syncCommit, maxBatches, Duration.ZERO);
        }

        public Settings {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(pollTimeout, "pollTimeout");
            Objects.requireNonNull(idleExit, "idleExit");
            if (idleExit.isNegative()) {
                throw new IllegalArgumentException("idleExit must not be negative, got " + idleExit);
            }
            if (maxBatches < 0) {
                throw new IllegalArgumentException("maxBatches must be >= 0, got " + maxBatches);
            }
        }
    }

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final Handler handler;
    private final Settings settings;
    private final ExecutorService worker;
    private final AtomicLong handled = new AtomicLong();
    private InFlightPartitions inFlight;
    private volatile boolean endedIdle;
    private final SideOutputs context;

    /**
     * @param consumer a group consumer without auto commit
     * @param producer an idempotent producer with {@code acks=all}
     */
    public CommittingLoop(
            String name,
            Consumer<byte[], byte[]> consumer,
            Producer<byte[], byte[]> producer,
            Handler handler,
            Settings settings) {
        super(name);
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.worker = settings.offLoop() ? Executors.newSingleThreadExecutor(r -> new Thread(r, name + "-work")) : null;
        this.context = new SideOutputs(name, producer, this::running);
    }

    /** Batches handled: outputs acknowledged and offsets committed. */
    public long handled() {
        return handled.get();
    }

    /** Whether the loop ended because it had nothing to do for {@link Settings#idleExit}. */
    public boolean endedIdle() {
        return endedIdle;
    }

    /**
     * Tells the group, through {@code partitions} (which the consumer's {@link
     * KeepInFlightAssignor} reads), which partitions this loop has a batch in work on, and goes
     * on past the records it took when they are assigned again. Call before the loop starts; the
     * loop closes {@code partitions} when it ends.
     */
    public CommittingLoop keepingInFlight(InFlightPartitions partitions) {
        this.inFlight = Objects.requireNonNull(partitions, "partitions");
        return this;
    }

    @Override
    protected void serve() throws InterruptedException {
        if (inFlight != null) {
            consumer.subscribe(List.of(settings.topic()), new SkipTakenRecords(consumer, inFlight));
        } else {
            consumer.subscribe(List.of(settings.topic()));
        }
        handler.onStart();
        markReady();
        LOG.info("{} consuming {}", name, settings.topic());
        long lastWork = System.nanoTime();
        while (running() && (settings.maxBatches() == 0 || handled.get() < settings.maxBatches())) {
            ConsumerRecords<byte[], byte[]> batch = consumer.poll(settings.pollTimeout());
            handler.afterPoll();
            if (!batch.isEmpty()) {
                process(batch);
                lastWork = System.nanoTime();
            } else if (!settings.idleExit().isZero()
                    && System.nanoTime() - lastWork > settings.idleExit().toNanos()) {
                LOG.info(
                        "{}: nothing to do for {} s (partitions {}); ending",
                        name,
                        settings.idleExit().toSeconds(),
                        consumer.assignment());
                endedIdle = true;
                break;
            }
        }
    }

    private void process(ConsumerRecords<byte[], byte[]> batch) throws InterruptedException {
        if (inFlight != null) {
            for (TopicPartition tp : batch.partitions()) {
                List<ConsumerRecord<byte[], byte[]>> records = batch.records(tp);
                inFlight.started(tp, records.get(records.size() - 1).offset());
            }
        }
        try {
            processTaken(batch);
        } finally {
            if (inFlight != null) {
                batch.partitions().forEach(inFlight::ended);
            }
        }
    }

    private void processTaken(ConsumerRecords<byte[], byte[]> batch) throws InterruptedException {
        List<ProducerRecord<byte[], byte[]>> outputs = null;
        Duration pause = RETRY_PAUSE_MIN;
        while (true) {
            try {
                outputs = settings.offLoop() ? handleOffLoop(batch) : handler.handle(batch, context);
                break;
            } catch (TransientFailureException e) {
                if (!pauseBeforeRetry(batch.count(), e, pause)) {
                    break; // stopping: uncommitted, the next owner handles the batch
                }
                pause = nextPause(pause);
            }
        }
        if (outputs == null || !sendAll(producer, outputs)) {
            // Stopping: leave the batch uncommitted; the next owner handles it again.
            LOG.info("{}: stopping with {} record(s) uncommitted", name, batch.count());
            return;
        }
        commit(batch);
        handled.incrementAndGet();
        handler.onHandled(batch, outputs);
    }

    /** First pause before a batch that failed transiently is handled again; doubled up to {@link #RETRY_PAUSE_MAX}. */
    static final Duration RETRY_PAUSE_MIN = Duration.ofMillis(200);

    static final Duration RETRY_PAUSE_MAX = Duration.ofSeconds(10);

    /** The pause after {@code pause}: twice as long, at most {@link #RETRY_PAUSE_MAX}. */
    static Duration nextPause(Duration pause) {
        Duration twice = pause.multipliedBy(2);
        return twice.compareTo(RETRY_PAUSE_MAX) > 0 ? RETRY_PAUSE_MAX : twice;
    }

    /**
     * Waits {@code pause} before the same batch is handled again, polling meanwhile (paused) so the
     * member stays in its group.
     *
     * @return false when the loop is stopping instead
     */
    private boolean pauseBeforeRetry(int records, TransientFailureException e, Duration pause) {
        LOG.warn(
                "{}: {} record(s) not handled ({}); trying again in {} ms, uncommitted",
                name,
                records,
                e.getMessage(),
                pause.toMillis());
        consumer.pause(consumer.assignment());
        long until = System.nanoTime() + pause.toNanos();
        try {
            while (running() && System.nanoTime() < until) {
                holdBack(consumer.poll(settings.pollTimeout()));
            }
        } catch (WakeupException stopping) {
            return false;
        }
        if (!running()) {
            return false;
        }
        consumer.resume(consumer.paused());
        return true;
    }

    /** Handles the batch on the worker and keeps this member in its group meanwhile. */
    private List<ProducerRecord<byte[], byte[]>> handleOffLoop(ConsumerRecords<byte[], byte[]> batch)
            throws InterruptedException {
        consumer.pause(consumer.assignment());
        Future<List<ProducerRecord<byte[], byte[]>>> work = worker.submit(() -> handler.handle(batch, context));
        try {
            // A quick handling (a dead letter, a skipped request) returns at once, not after a
            // paused poll's timeout; a long one polls between waits to stay in its group.
            while (!awaitDone(work)) {
                holdBack(consumer.poll(settings.pollTimeout()));
            }
        } catch (WakeupException e) {
            // stop() while working: the handler sees running() == false at its next safe point.
        }
        try {
            return work.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TransientFailureException t) {
                throw t;
            }
            throw new IllegalStateException(name + ": handling a batch failed", e.getCause());
        } finally {
            if (running()) {
                consumer.resume(consumer.paused());
            }
        }
    }

    /** Whether {@code work} is done after waiting up to a poll's timeout for it. */
    private boolean awaitDone(Future<?> work) throws InterruptedException {
        try {
            work.get(settings.pollTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            // Reported by the caller's work.get(); a timeout means not done yet.
        }
        return work.isDone();
    }

    /**
     * Records from partitions assigned while the work ran (a rebalance) are not handled now: seek
     * back so they are polled again later, and pause those partitions too.
     */
    private void holdBack(ConsumerRecords<byte[], byte[]> early) {
        for (TopicPartition tp : early.partitions()) {
            consumer.seek(tp, early.records(tp).get(0).offset());
        }
        consumer.pause(consumer.assignment());
    }

    private void commit(ConsumerRecords<byte[], byte[]> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : batch.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> records = batch.records(tp);
            offsets.put(
                    tp, new OffsetAndMetadata(records.get(records.size() - 1).offset() + 1));
        }
        try {
            if (settings.syncCommit()) {
                consumer.commitSync(offsets);
            } else {
                consumer.commitAsync(offsets, (committed, error) -> {
                    if (error != null) {
                        LOG.warn(
                                "{}: commit of {} failed; the next owner handles them again: {}",
                                name,
                                committed,
                                error.toString());
                    }
                });
            }
        } catch (CommitFailedException
                | RebalanceInProgressException
                | org.apache.kafka.common.errors.TimeoutException e) {
            // The outputs are durable; a new owner handles these records again, harmlessly.
            LOG.warn("{}: commit of {} failed after a rebalance: {}", name, offsets, e.toString());
        }
    }

    @Override
    protected void wakeup() {
        consumer.wakeup();
        handler.wakeup();
    }

    @Override
    protected void closeClients() {
        closeClients(this, worker, context, producer, consumer, handler, inFlight);
    }

    /**
     * What both loops close, in order: the work's threads (interrupted), the side outputs still
     * queued (dropped), the producer (its close flushes, and nothing sent but unacknowledged is
     * committed), the consumer, the handler and the in-flight marks.
     */
    static void closeClients(
            ServiceLoop loop,
            ExecutorService workers,
            SideOutputs context,
            Producer<byte[], byte[]> producer,
            Consumer<byte[], byte[]> consumer,
            Handler handler,
            InFlightPartitions inFlight) {
        if (workers != null) {
            workers.shutdownNow();
            try {
                workers.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        context.stop();
        loop.closeQuietly("producer", () -> producer.close(CLOSE_TIMEOUT));
        loop.closeQuietly("consumer", () -> consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT)));
        loop.closeQuietly("handler", handler::close);
        if (inFlight != null) {
            inFlight.close();
        }
    }

    /**
     * After an eager rebalance every partition comes back at its committed offset, which for a
     * partition in work is the record in work: go on past the records this member took, so that
     * the record is not polled and handled a second time. Forward only: records another member
     * handled meanwhile are never handled again here.
     */
    static final class SkipTakenRecords implements org.apache.kafka.clients.consumer.ConsumerRebalanceListener {
        private final Consumer<byte[], byte[]> consumer;
        private final InFlightPartitions taken;

        SkipTakenRecords(Consumer<byte[], byte[]> consumer, InFlightPartitions taken) {
            this.consumer = consumer;
            this.taken = taken;
        }

        @Override
        public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {}

        @Override
        public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                Long next = taken.nextOffset(tp);
                if (next != null && next > consumer.position(tp)) {
                    consumer.seek(tp, next);
                }
            }
        }
    }
}
