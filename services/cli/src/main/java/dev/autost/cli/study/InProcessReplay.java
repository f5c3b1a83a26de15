package dev.autost.cli.study;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.autost.domain.benchmark.TableReplay;
import dev.autost.domain.genome.Genome;
import dev.autost.messaging.DeadLetters;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.messaging.codec.ReportMessages;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.prober.TableProbe;
import dev.autost.proto.v1.CandidateMessage;
import dev.autost.proto.v1.ExperimentSpec;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.Score;
import dev.autost.proto.v1.TrainRequest;
import dev.autost.proto.v1.TrainResult;
import dev.autost.sampler.SamplerHandler;
import dev.autost.scorer.ScoreFunction;
import dev.autost.scorer.ScoreResult;
import dev.autost.trainer.ReplayedTraining;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One experiment answered from a tabulated benchmark without a broker, for comparisons of many
 * seeds: the real {@link SamplerHandler} (search, halving, model-based training) gets its scores
 * from the scorer's {@link ScoreFunction}, its probes from the replay prober's {@link TableProbe}
 * and its train results from the replay trainer's {@link ReplayedTraining}, each record handed on
 * in the order it was published (as one trainer and one partition would). So an experiment gives
 * what it gives through the topics with the replay services, tested by {@code
 * TableCompareIT}. Not thread-safe; one instance per experiment at a time.
 */
final class InProcessReplay {
    /**
     * What the experiment trained (last result per genome hash), its last sampler report, and
     * every result in the order the sampler read them (for a later experiment's lab).
     */
    record Outcome(Map<String, TrainResult> trained, Report search, List<TrainResult> results) {}

    private static final String WORKER = "in-process-replay";

    private final TableReplay table;
    private final TableProbe probe;

    InProcessReplay(TableReplay table) {
        this.table = Objects.requireNonNull(table, "table");
        this.probe = new TableProbe(table);
    }

    /**
     * Runs {@code spec} to the end of its training.
     *
     * @throws IllegalStateException when a service would dead-letter a record or the experiment
     *     fails (the reason is in the message)
     */
    Outcome run(ExperimentSpec spec) {
        return run(spec, newSampler());
    }

    /** A sampler of its own, caught up on empty topics. */
    static SamplerHandler newSampler() {
        SamplerHandler sampler = new SamplerHandler(new DeadLetters(SamplerHandler.SERVICE, Clock.systemUTC()));
        sampler.onCaughtUp();
        return sampler;
    }

    /**
     * Hands {@code sampler} the results of earlier experiments, in order, as the train-results
     * topic would: what its lab holds for a {@code warm_start: lab} experiment after them.
     */
    static void feed(SamplerHandler sampler, List<TrainResult> results) {
        long[] offset = {0};
        for (TrainResult r : results) {
            List<ProducerRecord<byte[], byte[]>> out = sampler.onRecord(
                    input(
                            Topics.TRAIN_RESULTS,
                            Topics.genomeKey(r.getExperimentId(), r.getGenomeHash()),
                            r.toByteArray(),
                            offset),
                    false);
            if (!out.isEmpty()) {
                throw new IllegalStateException(
                        "an earlier experiment's result made the sampler publish " + out.size());
            }
        }
    }

    /** {@link #run(ExperimentSpec)} on a given sampler (one that holds the lab's earlier results). */
    Outcome run(ExperimentSpec spec, SamplerHandler sampler) {
        ExperimentPlan plan = ExperimentPlan.fromSpec(spec);
        ScoreFunction scorer = new ScoreFunction("scorer", id -> plan);
        Deque<ProducerRecord<byte[], byte[]>> queue = new ArrayDeque<>();
        long[] offset = {0};
        queue.addAll(sampler.onRecord(
                input(Topics.EXPERIMENTS, Topics.experimentKey(plan.experimentId()), spec.toByteArray(), offset),
                false));
        Map<String, TrainResult> trained = new LinkedHashMap<>();
        List<TrainResult> results = new java.util.ArrayList<>();
        Report search = null;
        while (!queue.isEmpty()) {
            ProducerRecord<byte[], byte[]> r = queue.poll();
            String key = new String(r.key(), StandardCharsets.UTF_8);
            try {
                switch (r.topic()) {
                    case Topics.CANDIDATES -> {
                        Score s = score(scorer, plan, r.value());
                        queue.addAll(sampler.onRecord(input(Topics.SCORES, key, s.toByteArray(), offset), false));
                    }
                    case Topics.TRAIN_REQUESTS -> {
                        TrainResult result = ReplayedTraining.answer(table, TrainRequest.parseFrom(r.value()), WORKER);
                        trained.put(result.getGenomeHash(), result);
                        results.add(result);
                        queue.addAll(sampler.onRecord(
                                input(Topics.TRAIN_RESULTS, key, result.toByteArray(), offset), false));
                    }
                    case Topics.REPORTS -> {
                        search = Report.parseFrom(r.value());
                        if (search.getPhase() == Report.Phase.FAILED) {
                            throw new IllegalStateException(
                                    "experiment " + plan.experimentId() + " failed: " + search.getFailureReason());
                        }
                    }
                    default ->
                        throw new IllegalStateException("experiment " + plan.experimentId() + ": the sampler "
                                + "published to " + r.topic() + ": " + deadLetterReason(r));
                }
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("the sampler published an unreadable " + r.topic() + " record", e);
            }
        }
        if (search == null || !ReportMessages.searchAndTrainingDone(search)) {
            throw new IllegalStateException("experiment " + plan.experimentId() + " stopped short of its end"
                    + (search == null ? "" : " in phase " + search.getPhase()));
        }
        return new Outcome(trained, search, results);
    }

    /** The scorer's score of a candidate, with the table's probes where the objective wants them (as the prober adds them). */
    private Score score(ScoreFunction scorer, ExperimentPlan plan, byte[] candidate)
            throws InvalidProtocolBufferException {
        ScoreResult result = scorer.apply(candidate);
        if (!(result instanceof ScoreResult.Scored scored)) {
            throw new IllegalStateException(
                    "the scorer refused a candidate: " + ((ScoreResult.Rejected) result).reason());
        }
        Score s = scored.score();
        if (!plan.objective().needsProbes() || s.getSkipProbe()) {
            return s;
        }
        Genome g = GenomeMessages.toDomain(CandidateMessage.parseFrom(candidate).getGenome());
        return ScoreMessages.probed(s, probe.measure(plan, g));
    }

    private static String deadLetterReason(ProducerRecord<byte[], byte[]> r) {
        var h = r.headers().lastHeader(DeadLetters.REASON_HEADER);
        return h == null ? "(no reason)" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static ConsumerRecord<byte[], byte[]> input(String topic, String key, byte[] value, long[] offset) {
        return new ConsumerRecord<>(topic, 0, offset[0]++, key.getBytes(StandardCharsets.UTF_8), value);
    }
}
