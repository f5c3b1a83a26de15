package dev.autost.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * One consumer-group member that works on up to {@code slots} records at once, each on a thread
 * of its own, with the same at-least-once rule as {@link CommittingLoop}: a record's offset is
 * committed only once its outputs are acknowledged, and never past a record still in work (per
 * partition, the commit is the lowest offset in work, or the next one when none is).
 *
 * <p>Why not one member per slot: trainers scale by partition, and with more partitions than
 * members one member owns several. Two requests in partitions of the same member were then
 * trained one after the other while another member of the same process sat idle; here every free
 * slot takes the next request of any partition this process owns. The loop polls one record at a
 * time ({@code max.poll.records=1}) while a slot is free and keeps polling with its partitions
 * paused while all are busy, so the member stays in its group however long the work takes.
 */
public final class ConcurrentJobLoop extends ServiceLoop {
    private static final Logger LOG = LoggerFactory.getLogger(ConcurrentJobLoop.class);

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final CommittingLoop.Handler handler;
    private final CommittingLoop.Settings settings;
    private final int slots;
    private final ExecutorService workers;
    private final AtomicLong handled = new AtomicLong();
    private final List<Job> jobs = new ArrayList<>();
    private InFlightPartitions inFlight;
    /** Offsets in work (or waiting to be tried again), per partition. */
    private final Map<TopicPartition, TreeSet<Long>> inWork = new HashMap<>();
    /** The highest offset done, per partition: the commit when nothing there is in work. */
    private final Map<TopicPartition, Long> doneUpTo = new HashMap<>();

    private final SideOutputs context;

    /** A permit for every job that ended: the loop waits on it while every slot is taken. */
    private final Semaphore jobEnded = new Semaphore(0);

    /** A record in work: its future, or none while it waits to be tried again. */
    private static final class Job {
        final ConsumerRecord<byte[], byte[]> record;
        Future<List<ProducerRecord<byte[], byte[]>>> work;
        long notBeforeNanos;
        Duration pause = CommittingLoop.RETRY_PAUSE_MIN;

        Job(ConsumerRecord<byte[], byte[]> record) {
            this.record = record;
        }

        TopicPartition partition() {
            return new TopicPartition(record.topic(), record.partition());
        }
    }

    /**
     * @param consumer a group consumer without auto commit, {@code max.poll.records=1}
     * @param producer an idempotent producer with {@code acks=all}
     * @param slots    records worked on at once, at least 1
     */
    public ConcurrentJobLoop(
            String name,
            Consumer<byte[], byte[]> consumer,
            Producer<byte[], byte[]> producer,
            CommittingLoop.Handler handler,
            CommittingLoop.Settings settings,
            int slots) {
        super(name);
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be at least 1, got " + slots);
        }
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.slots = slots;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(slots, r -> new Thread(r, name + "-work-" + n.incrementAndGet()));
        this.context = new SideOutputs(name, producer, this::running);
    }

    /** Records handled: outputs acknowledged and offsets committed. */
    public long handled() {
        return handled.get();
    }

    /** As {@link CommittingLoop#keepingInFlight}: the group leaves the partitions in work here. */
    public ConcurrentJobLoop keepingInFlight(InFlightPartitions partitions) {
        this.inFlight = Objects.requireNonNull(partitions, "partitions");
        return this;
    }

    @Override
    protected void serve() throws InterruptedException {
        if (inFlight != null) {
            consumer.subscribe(List.of(settings.topic()), new CommittingLoop.SkipTakenRecords(consumer, inFlight));
        } else {
            consumer.subscribe(List.of(settings.topic()));
        }
        handler.onStart();
        markReady();
        LOG.info("{} consuming {} with {} slot(s)", name, settings.topic(), slots);
        while (running() && !budgetSpent()) {
            boolean room = jobs.size() < slots && !budgetTaken();
            if (room) {
                consumer.resume(consumer.paused());
            } else {
                consumer.pause(consumer.assignment());
            }
            if (!room && jobEnded.tryAcquire(settings.pollTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                // A slot came free: take the next record now, not after a paused poll's timeout
                // (a quick job, a dead letter or a skipped request, took 200 ms each that way).
                finishDone();
                continue;
            }
            ConsumerRecords<byte[], byte[]> batch;
            try {
                batch = consumer.poll(settings.pollTimeout());
            } catch (WakeupException stopping) {
                break;
            }
            handler.afterPoll();
            for (ConsumerRecord<byte[], byte[]> r : batch) {
                if (jobs.size() < slots && !budgetTaken()) {
                    start(new Job(r));
                } else {
                    // Polled with no slot free (a partition assigned while paused): later.
                    consumer.seek(new TopicPartition(r.topic(), r.partition()), r.offset());
                    consumer.pause(consumer.assignment());
                    break;
                }
            }
            finishDone();
        }
        // Stopping: the jobs end at their next safe point; send and commit what they finished.
        for (Job j : jobs) {
            if (j.work != null) {
                try {
                    j.work.get();
                } catch (ExecutionException ignored) {
                    // reported by finishDone
                }
            }
        }
        finishDone();
        if (!jobs.isEmpty()) {
            LOG.info("{}: stopping with {} record(s) uncommitted", name, jobs.size());
        }
    }

    /** One-shot workers: no new job once the finished and running ones reach the budget. */
    private boolean budgetTaken() {
        return settings.maxBatches() > 0 && handled.get() + jobs.size() >= settings.maxBatches();
    }

    private boolean budgetSpent() {
        return settings.maxBatches() > 0 && handled.get() >= settings.maxBatches();
    }

    private void start(Job j) {
        inWork.computeIfAbsent(j.partition(), p -> new TreeSet<>()).add(j.record.offset());
        if (!jobs.contains(j)) {
            jobs.add(j);
            if (inFlight != null) {
                inFlight.started(j.partition(), j.record.offset());
            }
        }
        ConsumerRecords<byte[], byte[]> one = new ConsumerRecords<>(Map.of(j.partition(), List.of(j.record)), Map.of());
        j.work = workers.submit(() -> {
            try {
                return handler.handle(one, context);
            } finally {
                jobEnded.release();
            }
        });
    }

    /** Sends and commits the jobs that are done, starts again those whose pause is over. */
    private void finishDone() throws InterruptedException {
        for (Iterator<Job> it = jobs.iterator(); it.hasNext(); ) {
            Job j = it.next();
            if (j.work == null) {
                if (running() && System.nanoTime() >= j.notBeforeNanos) {
                    start(j);
                }
                continue;
            }
            if (!j.work.isDone()) {
                continue;
            }
            List<ProducerRecord<byte[], byte[]>> outputs;
            try {
                outputs = j.work.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TransientFailureException t) {
                    LOG.warn(
                            "{}: record {}@{} not handled ({}); trying again in {} ms, uncommitted",
                            name,
                            j.partition(),
                            j.record.offset(),
                            t.getMessage(),
                            j.pause.toMillis());
                    j.work = null;
                    j.notBeforeNanos = System.nanoTime() + j.pause.toNanos();
                    j.pause = CommittingLoop.nextPause(j.pause);
                    continue;
                }
                throw new IllegalStateException(name + ": handling a record failed", e.getCause());
            }
            if (outputs == null || !sendAll(producer, outputs)) {
                continue; // cut short by the stop: stays in work, so nothing past it is committed
            }
            it.remove();
            TopicPartition tp = j.partition();
            if (inFlight != null) {
                inFlight.ended(tp);
            }
            inWork.get(tp).remove(j.record.offset());
            doneUpTo.merge(tp, j.record.offset(), Math::max);
            commit(tp);
            handled.incrementAndGet();
            handler.onHandled(new ConsumerRecords<>(Map.of(tp, List.of(j.record)), Map.of()), outputs);
        }
    }

    /** Commits the partition up to its lowest offset in work, or past the highest one done. */
    private void commit(TopicPartition tp) {
        TreeSet<Long> working = inWork.get(tp);
        long next = working == null || working.isEmpty() ? doneUpTo.get(tp) + 1 : working.first();
        Map<TopicPartition, OffsetAndMetadata> offsets = Map.of(tp, new OffsetAndMetadata(next));
        try {
            consumer.commitSync(offsets);
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
        CommittingLoop.closeClients(this, workers, context, producer, consumer, handler, inFlight);
    }
}
