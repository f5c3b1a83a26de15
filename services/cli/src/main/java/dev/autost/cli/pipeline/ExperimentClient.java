package dev.autost.cli.pipeline;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.ReportMessages;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.models.train.ProgressMeter;
import dev.autost.proto.v1.ExperimentSpec;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.Score;
import dev.autost.proto.v1.TrainProgress;
import dev.autost.proto.v1.TrainResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Submits an experiment and follows it to the end through the topics: the sampler's progress
 * reports, the scores, and the evaluator's final report. What the CLI (and later the HTTP API)
 * uses; it talks to the services only through Kafka.
 */
public final class ExperimentClient implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;

    public ExperimentClient(String bootstrapServers) {
        this.producer = KafkaClients.producer(bootstrapServers, "autost-client-out");
        this.consumer = KafkaClients.replayingConsumer(bootstrapServers, "autost-client-in");
    }

    /** Publishes the spec and waits until the broker has it. */
    public void submit(ExperimentSpec spec) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(
                Topics.EXPERIMENTS,
                Topics.experimentKey(spec.getExperimentId()).getBytes(StandardCharsets.UTF_8),
                spec.toByteArray());
        try {
            producer.send(r).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while submitting", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot publish the experiment: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Progress of one experiment as seen from the topics; {@code lastEpoch} is the last finished
     * epoch of any trained candidate, {@code running} the in-epoch report that came after it (or null).
     */
    public record Progress(
            int generation,
            int generations,
            int scored,
            double bestScore,
            int trained,
            int trainExpected,
            int trainEpochsRequested,
            Report.Phase phase,
            TrainProgress lastEpoch,
            TrainProgress running) {
        /** {@code ; now HASH: epoch 1/2, step 120/937 (12 %), loss 1.2345, 71.3 images/s, 4m 05s left}, or "". */
        public String runningLine() {
            if (running == null) {
                return "";
            }
            return "; now " + running.getGenomeHash() + ": "
                    + new ProgressMeter.Snapshot(
                                    running.getEpoch(),
                                    running.getEpochs(),
                                    running.getStep(),
                                    running.getSteps(),
                                    running.getTrainLoss(),
                                    running.getImagesPerSecond(),
                                    running.getSecondsLeft())
                            .line();
        }
    }

    /** What a finished experiment produced: every score (one per genome), training results, the last reports. */
    public record FollowedExperiment(
            List<Score> scores, Map<String, TrainResult> trained, Report search, Report evaluation) {}

    /**
     * Follows {@code experimentId} until the evaluator reports FINISHED.
     *
     * @throws IllegalStateException if that does not happen within {@code timeout}, or the
     *                               experiment FAILED (the message gives the reason)
     */
    public FollowedExperiment follow(String experimentId, Duration timeout, Consumer<Progress> onProgress) {
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : List.of(Topics.SCORES, Topics.REPORTS, Topics.TRAIN_RESULTS, Topics.TRAIN_PROGRESS)) {
            consumer.partitionsFor(t).forEach(p -> parts.add(new TopicPartition(t, p.partition())));
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        Map<String, Score> scores = new HashMap<>();
        Map<String, TrainResult> trained = new HashMap<>();
        TrainProgress lastEpoch = null;
        TrainProgress running = null;
        Report search = null;
        Report evaluation = null;
        String evalKey = Topics.evaluationKey(experimentId);
        long deadline = System.nanoTime() + timeout.toNanos();
        Progress last = null;
        Map<TopicPartition, Long> stateEnd = null;
        while (stateEnd == null || !reached(stateEnd)) {
            for (Report r : new Report[] {search, evaluation}) {
                if (r != null && r.getPhase() == Report.Phase.FAILED) {
                    throw new IllegalStateException("experiment " + experimentId + " failed: " + r.getFailureReason());
                }
            }
            if (stateEnd == null
                    && evaluation != null
                    && (evaluation.getPhase() == Report.Phase.FINISHED
                            || evaluation.getPhase() == Report.Phase.STOPPED)) {
                // Every score, result and search report was written before the final report, but
                // fetches from different partitions arrive in any order: read them up to their end
                // offsets now (a promotion's result, or the sampler's closing report, may lag).
                List<TopicPartition> stateParts = parts.stream()
                        .filter(p -> !p.topic().equals(Topics.TRAIN_PROGRESS))
                        .toList();
                stateEnd = consumer.endOffsets(stateParts);
                if (reached(stateEnd)) {
                    break;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("experiment " + experimentId + " did not finish within " + timeout
                        + " (" + scores.size() + " candidates scored so far); are the services running?");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                if (r.value() == null || r.key() == null) {
                    continue;
                }
                String key = new String(r.key(), StandardCharsets.UTF_8);
                try {
                    if (r.topic().equals(Topics.SCORES) && key.startsWith(experimentId + "/")) {
                        Score s = Score.parseFrom(r.value());
                        scores.merge(s.getGenomeHash(), s, ScoreMessages::keep);
                    } else if (r.topic().equals(Topics.REPORTS) && key.equals(Topics.experimentKey(experimentId))) {
                        search = Report.parseFrom(r.value());
                    } else if (r.topic().equals(Topics.REPORTS) && key.equals(evalKey)) {
                        evaluation = Report.parseFrom(r.value());
                    } else if (r.topic().equals(Topics.TRAIN_RESULTS) && key.startsWith(experimentId + "/")) {
                        TrainResult t = TrainResult.parseFrom(r.value());
                        trained.put(t.getGenomeHash(), t);
                    } else if (r.topic().equals(Topics.TRAIN_PROGRESS) && key.startsWith(experimentId + "/")) {
                        TrainProgress t = TrainProgress.parseFrom(r.value());
                        if (t.getStep() > 0) {
                            running = t;
                        } else {
                            lastEpoch = t;
                            running = null;
                        }
                    }
                } catch (InvalidProtocolBufferException e) {
                    // Malformed records are the services' to dead-letter; the client only reads.
                }
            }
            Progress p = progress(search, evaluation, scores.size(), trained.size(), lastEpoch, running);
            if (onProgress != null && !p.equals(last)) {
                onProgress.accept(p);
                last = p;
            }
        }
        if (evaluation.getPhase() == Report.Phase.FINISHED && scores.size() != evaluation.getCandidatesScored()) {
            throw new IllegalStateException(
                    "experiment " + experimentId + " finished with " + evaluation.getCandidatesScored()
                            + " candidates scored, but " + scores.size() + " scores were found on " + Topics.SCORES);
        }
        List<Score> ranked = new ArrayList<>(scores.values());
        ranked.sort(ScoreMessages.BEST_FIRST);
        return new FollowedExperiment(ranked, trained, search, evaluation);
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static Progress progress(
            Report search, Report evaluation, int scored, int trained, TrainProgress lastEpoch, TrainProgress running) {
        Report r = search != null ? search : Report.getDefaultInstance();
        Report.Phase phase = ReportMessages.current(r, evaluation);
        return new Progress(
                r.getGeneration(),
                r.getGenerations(),
                scored,
                r.getBestScore(),
                trained,
                r.getTrainExpected(),
                r.getTrainEpochsRequested(),
                phase,
                lastEpoch,
                running);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        consumer.close();
    }
}
