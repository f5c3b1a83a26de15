package dev.autost.trainer;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.autost.messaging.CommittingLoop;
import dev.autost.messaging.DeadLetters;
import dev.autost.messaging.InFlightPartitions;
import dev.autost.messaging.KeepInFlightAssignor;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.messaging.codec.TrainMessages;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.TrainProgress;
import dev.autost.proto.v1.TrainRequest;
import dev.autost.proto.v1.TrainResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's work in its {@link CommittingLoop}: one train request at a time, trained off the
 * loop thread while the loop keeps the worker in its group. The result (OK or FAILED) is the
 * output, so the request's offset is committed only after the result is acknowledged: a worker
 * killed mid-job leaves the request to be redelivered, and the next worker resumes from the
 * checkpoint the job wrote after each epoch. Progress goes out after every epoch without waiting.
 * Malformed requests become dead letters.
 */
final class TrainingHandler implements CommittingLoop.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingHandler.class);
    private static final Duration POLL = Duration.ofMillis(200);

    /**
     * One request per poll: a worker never holds requests it is not training. The partition of a
     * request in work stays with its worker when others join or leave ({@link
     * KeepInFlightAssignor}): Kafka's own assignors could move it, and the new owner trained the
     * request a second time.
     */
    static Map<String, Object> consumerSettings(InFlightPartitions inFlight) {
        return Map.of(
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                1,
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                KeepInFlightAssignor.class.getName(),
                InFlightPartitions.CONFIG,
                inFlight.id());
    }

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final TrainerConfig config;
    private final TrainingJob job;
    private final DeadLetters deadLetters;
    private final TrainedResults trained;
    private final StoppedExperiments stops;

    /**
     * @param trained the results the job may reuse (started here), or null for none
     * @param stops   the experiments stopped by their lab (started here), or null to train every request
     */
    TrainingHandler(
            TrainerConfig config,
            TrainingJob job,
            DeadLetters deadLetters,
            TrainedResults trained,
            StoppedExperiments stops) {
        this.config = Objects.requireNonNull(config, "config");
        this.job = Objects.requireNonNull(job, "job");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.trained = trained;
        this.stops = stops;
    }

    @Override
    public void onStart() {
        if (trained != null) {
            trained.start();
        }
        if (stops != null) {
            stops.start();
        }
    }

    @Override
    public void close() {
        if (trained != null) {
            trained.close(CLOSE_TIMEOUT);
        }
        if (stops != null) {
            stops.close(CLOSE_TIMEOUT);
        }
    }

    private boolean stopped(TrainRequest req) {
        return stops != null && stops.isStopped(req.getExperimentId());
    }

    /** One request at a time, worked off the loop thread, committed synchronously; stops after max-requests. */
    static CommittingLoop.Settings settings(TrainerConfig config) {
        return new CommittingLoop.Settings(
                Topics.TRAIN_REQUESTS, POLL, true, true, config.maxRequests(), config.idleExit());
    }

    @Override
    public List<ProducerRecord<byte[], byte[]>> handle(
            ConsumerRecords<byte[], byte[]> records, CommittingLoop.Context context) {
        ConsumerRecord<byte[], byte[]> r = records.iterator().next(); // max.poll.records = 1
        TrainRequest req;
        try {
            req = TrainRequest.parseFrom(r.value() == null ? new byte[0] : r.value());
            check(req);
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
            String reason = e instanceof InvalidProtocolBufferException
                    ? "cannot decode TrainRequest: " + e.getMessage()
                    : e.getMessage();
            return deadLetters.reject(r, reason, e);
        }
        if (stopped(req)) {
            LOG.info("{}/{}: not trained, its experiment was stopped", req.getExperimentId(), req.getGenomeHash());
            return List.of(); // committed without a result: nobody waits for it
        }
        TrainResult result = job.run(req, p -> context.publish(progress(p)), () -> context.running() && !stopped(req));
        if (result == null) {
            if (context.running()) {
                LOG.info(
                        "{}/{}: training ended after an epoch, its experiment was stopped",
                        req.getExperimentId(),
                        req.getGenomeHash());
                return List.of();
            }
            return null; // stopped after an epoch's checkpoint: uncommitted, so redelivered
        }
        LOG.info(
                "trained {}/{}: {} {}",
                req.getExperimentId(),
                req.getGenomeHash(),
                result.getStatus(),
                TrainMessages.succeeded(result)
                        ? "test accuracy " + result.getTestAccuracy()
                        : result.getFailureReason());
        job.meters()
                .trainerResults(TrainMessages.succeeded(result) ? "ok" : "failed")
                .increment();
        return List.of(new ProducerRecord<>(Topics.TRAIN_RESULTS, key(req), result.toByteArray()));
    }

    /** Most time steps a request may ask for: the search spaces use 1-8; more is a broken record. */
    static final int MAX_TIME_STEPS = 64;

    /**
     * Refuses a request that must not reach a trainer: unknown version, missing fields, names
     * that would leave the checkpoint root, or sizes that would train for ever.
     *
     * @throws IllegalArgumentException naming the problem (the dead letter's reason)
     */
    static void check(TrainRequest req) {
        if (!SchemaVersions.isKnown(req.getSchemaVersion())) {
            throw new IllegalArgumentException(
                    "unknown schema_version " + Integer.toUnsignedString(req.getSchemaVersion()));
        }
        if (req.getExperimentId().isEmpty() || req.getGenomeHash().isEmpty() || !req.hasGenome()) {
            throw new IllegalArgumentException("a train request needs experiment_id, genome_hash and genome");
        }
        // Both name the checkpoint folder: neither may leave the checkpoint root.
        String idProblem = ExperimentPlan.idProblem(req.getExperimentId());
        if (idProblem != null) {
            throw new IllegalArgumentException(idProblem);
        }
        if (!req.getGenomeHash().matches("[0-9a-f]{1,64}")) {
            throw new IllegalArgumentException("genome_hash must be lower-case hex, got '" + req.getGenomeHash() + "'");
        }
        ExperimentPlan.requireAtMost("epochs", req.getEpochs(), ExperimentPlan.MAX_EPOCHS);
        ExperimentPlan.requireAtMost("schedule_epochs", req.getScheduleEpochs(), ExperimentPlan.MAX_EPOCHS);
        if (req.getScheduleEpochs() != 0 && req.getScheduleEpochs() < Math.max(1, req.getEpochs())) {
            throw new IllegalArgumentException("schedule_epochs must be 0 or at least epochs (" + req.getEpochs()
                    + "), got " + req.getScheduleEpochs());
        }
        ExperimentPlan.requireAtMost("time_steps", req.getTimeSteps(), MAX_TIME_STEPS);
    }

    private static ProducerRecord<byte[], byte[]> progress(TrainProgress p) {
        return new ProducerRecord<>(
                Topics.TRAIN_PROGRESS,
                Topics.genomeKey(p.getExperimentId(), p.getGenomeHash()).getBytes(StandardCharsets.UTF_8),
                p.toByteArray());
    }

    private static byte[] key(TrainRequest req) {
        return Topics.genomeKey(req.getExperimentId(), req.getGenomeHash()).getBytes(StandardCharsets.UTF_8);
    }
}
