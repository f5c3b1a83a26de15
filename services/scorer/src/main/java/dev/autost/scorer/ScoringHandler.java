package dev.autost.scorer;

import dev.autost.messaging.CommittingLoop;
import dev.autost.messaging.DeadLetters;
import dev.autost.messaging.ExperimentReader;
import dev.autost.messaging.Topics;
import dev.autost.observability.AutostMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scorer's work in its {@link CommittingLoop}: every candidate of a poll becomes a score (key
 * {@code experimentId/genomeHash}) or a dead letter, on the loop thread (microseconds each).
 * Before the first poll it reads {@code autost.experiments} to its end, and after every poll it
 * takes what arrived there, so the settings of new experiments are known.
 */
final class ScoringHandler implements CommittingLoop.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringHandler.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final ExperimentReader experiments;
    private final ScoreFunction function;
    private final DeadLetters deadLetters;
    private final AutostMeters meters;
    private final Timer scoring;
    private final Counter scoredCounter;
    private final AtomicLong scored = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();

    ScoringHandler(ExperimentReader experiments, ScoreFunction function, DeadLetters deadLetters, AutostMeters meters) {
        this.experiments = Objects.requireNonNull(experiments, "experiments");
        this.function = Objects.requireNonNull(function, "function");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.scoring = meters.scoring();
        this.scoredCounter = meters.candidatesScored();
    }

    /**
     * Batches of up to max-poll-records on the loop thread, committed asynchronously: outputs are
     * acknowledged first, and a lost commit only replays idempotent scores.
     */
    static CommittingLoop.Settings settings(ScorerConfig config) {
        return new CommittingLoop.Settings(Topics.CANDIDATES, config.pollTimeout(), false, false, 0);
    }

    @Override
    public void onStart() {
        experiments.start();
    }

    @Override
    public void afterPoll() {
        experiments.pollNow();
    }

    @Override
    public List<ProducerRecord<byte[], byte[]>> handle(
            ConsumerRecords<byte[], byte[]> batch, CommittingLoop.Context context) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(batch.count());
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            long t0 = System.nanoTime();
            ScoreResult result = function.apply(record.value());
            scoring.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            if (result instanceof ScoreResult.Scored s) {
                byte[] key = Topics.genomeKey(
                                s.score().getExperimentId(), s.score().getGenomeHash())
                        .getBytes(StandardCharsets.UTF_8);
                out.add(new ProducerRecord<>(Topics.SCORES, key, s.score().toByteArray()));
            } else {
                ScoreResult.Rejected r = (ScoreResult.Rejected) result;
                out.addAll(deadLetters.reject(record, r.reason(), r.error()));
            }
        }
        return out;
    }

    @Override
    public void onHandled(ConsumerRecords<byte[], byte[]> batch, List<ProducerRecord<byte[], byte[]>> outputs) {
        long dead = outputs.stream()
                .filter(r -> r.topic().equals(Topics.DEAD_LETTERS))
                .count();
        scored.addAndGet(outputs.size() - dead);
        scoredCounter.increment(outputs.size() - dead);
        deadLettered.addAndGet(dead);
    }

    @Override
    public void wakeup() {
        experiments.wakeup();
    }

    @Override
    public void close() {
        experiments.close(CLOSE_TIMEOUT);
        LOG.info("Scorer stopped: {} scored, {} dead-lettered", scored.get(), deadLettered.get());
    }

    /** Candidates scored and acknowledged so far. */
    long scored() {
        return scored.get();
    }

    /** Candidates dead-lettered and acknowledged so far. */
    long deadLettered() {
        return deadLettered.get();
    }
}
