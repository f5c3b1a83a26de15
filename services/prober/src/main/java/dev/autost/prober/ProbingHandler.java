package dev.autost.prober;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.search.Objective;
import dev.autost.messaging.CommittingLoop;
import dev.autost.messaging.DeadLetters;
import dev.autost.messaging.ExperimentPlans;
import dev.autost.messaging.ExperimentReader;
import dev.autost.messaging.Topics;
import dev.autost.messaging.UnknownExperimentException;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.models.train.OneDnn;
import dev.autost.observability.AutostMeters;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.Score;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prober's work in its {@link CommittingLoop}: every score of an experiment whose objective
 * needs probe metrics ({@link Objective#needsProbes()}) is measured on its untrained network and
 * published again on {@code autost.scores}, same key, with the metrics added to its {@code extra}
 * map. Scores that are already probed (its own outputs coming back) and scores of experiments on a
 * cost-model objective pass without output.
 *
 * <p>Records the sampler and the evaluator dead-letter anyway (undecodable, unknown schema, a
 * genome that does not match its hash) are left to them. A probe that fails (a dataset that is not
 * there, a network that cannot be built) dead-letters the score with the reason and still
 * publishes it probed with every probe metric at minus infinity and {@code probe_failed} = 1: the
 * candidate ranks last instead of holding its experiment's search forever.
 */
final class ProbingHandler implements CommittingLoop.Handler {
    /** Extra key set to 1 on a score whose probe failed. */
    static final String PROBE_FAILED = "probe_failed";

    private static final Logger LOG = LoggerFactory.getLogger(ProbingHandler.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** Measures one genome of an experiment's plan ({@link ExperimentProbe#measure} in the service). */
    interface Probe {
        Map<String, Double> measure(ExperimentPlan plan, Genome genome);
    }

    private final ExperimentReader experiments;
    private final ExperimentPlans plans;
    private final Probe probe;
    private final DeadLetters deadLetters;
    private final Timer probing;
    private final Counter probedCounter;
    private final AtomicLong probed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /**
     * @param experiments the experiments reader (started and polled by this handler), or null when
     *     {@code plans} needs no Kafka (tests)
     */
    ProbingHandler(
            ExperimentReader experiments,
            ExperimentPlans plans,
            Probe probe,
            DeadLetters deadLetters,
            AutostMeters meters,
            String device) {
        this.experiments = experiments;
        this.plans = Objects.requireNonNull(plans, "plans");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.probing = meters.probing(device);
        this.probedCounter = meters.candidatesProbed(device);
    }

    /** Small batches on the loop thread, committed asynchronously: a lost commit only re-probes. */
    static CommittingLoop.Settings settings(ProberConfig config) {
        return new CommittingLoop.Settings(Topics.SCORES, config.pollTimeout(), false, false, 0);
    }

    @Override
    public void onStart() {
        if (experiments != null) {
            experiments.start();
        }
    }

    @Override
    public void afterPoll() {
        if (experiments != null) {
            experiments.pollNow();
        }
    }

    @Override
    public List<ProducerRecord<byte[], byte[]>> handle(
            ConsumerRecords<byte[], byte[]> batch, CommittingLoop.Context context) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            if (!context.running()) {
                return null; // stopping: nothing sent or committed, the next owner probes the batch
            }
            out.addAll(handle(record));
        }
        return out;
    }

    private List<ProducerRecord<byte[], byte[]>> handle(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return List.of();
        }
        Score score;
        try {
            score = Score.parseFrom(record.value());
        } catch (InvalidProtocolBufferException e) {
            return List.of(); // the sampler and the evaluator dead-letter it
        }
        if (!SchemaVersions.isKnown(score.getSchemaVersion())
                || ScoreMessages.problem(score) != null
                || ScoreMessages.isProbed(score)
                || score.containsExtra(PROBE_FAILED)) {
            return List.of();
        }
        ExperimentPlan plan;
        try {
            plan = plans.planOf(score.getExperimentId());
        } catch (UnknownExperimentException e) {
            return List.of(); // the scorer scored it, so the spec existed: a deleted experiment
        }
        if (!plan.objective().needsProbes() || score.getSkipProbe()) {
            return List.of(); // a cost-model objective, or gated out: the sampler ranks it without a probe
        }
        Genome genome = GenomeMessages.toDomain(score.getGenome());
        long t0 = System.nanoTime();
        Map<String, Double> metrics;
        try {
            metrics = measureFinite(plan, genome);
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            String reason = "probe of " + genome.hash() + " failed: " + e.getMessage();
            LOG.warn("experiment {}: {}", score.getExperimentId(), reason);
            Map<String, Double> worst = new HashMap<>();
            Objective.PROBE_METRICS.forEach(m -> worst.put(m, Double.NEGATIVE_INFINITY));
            worst.put(PROBE_FAILED, 1.0);
            List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(deadLetters.reject(record, reason, e));
            out.add(output(ScoreMessages.probed(score, worst)));
            return out;
        }
        probing.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        return List.of(output(ScoreMessages.probed(score, metrics)));
    }

    /**
     * The probe's metrics, measured once more when one is NaN, and a failure when it is NaN again.
     * A NaN metric made a score the sampler and evaluator dead-letter, so its search waited for
     * that candidate for good; NaN came now and then from a sound network (the same intermittent
     * defect as the trainers' divergence, docs/training.md#divergence), and not on a second try.
     * Before that try oneDNN is turned off for the process, as the trainers do: a retry with it on
     * failed the same way in a search of 2026-12-07 ({naswot=NaN, sahd=NaN} twice).
     */
    private Map<String, Double> measureFinite(ExperimentPlan plan, Genome genome) {
        Map<String, Double> metrics = probe.measure(plan, genome);
        if (metrics.values().stream().noneMatch(v -> v.isNaN())) {
            return metrics;
        }
        LOG.warn("probe of {} gave NaN ({}); measuring it once more", genome.hash(), metrics);
        if (OneDnn.disable()) {
            // The trainers' divergence (docs/training.md#divergence): libtorch's oneDNN convolution.
            LOG.warn("oneDNN turned off for this process after a NaN probe (slower, and sound)");
        }
        metrics = probe.measure(plan, genome);
        if (metrics.values().stream().anyMatch(v -> v.isNaN())) {
            throw new IllegalStateException("a metric is NaN on two measurements: " + metrics);
        }
        return metrics;
    }

    private static ProducerRecord<byte[], byte[]> output(Score probed) {
        byte[] key = Topics.genomeKey(probed.getExperimentId(), probed.getGenomeHash())
                .getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(Topics.SCORES, key, probed.toByteArray());
    }

    @Override
    public void onHandled(ConsumerRecords<byte[], byte[]> batch, List<ProducerRecord<byte[], byte[]>> outputs) {
        long n = outputs.stream().filter(r -> r.topic().equals(Topics.SCORES)).count();
        probed.addAndGet(n);
        probedCounter.increment(n);
    }

    @Override
    public void wakeup() {
        if (experiments != null) {
            experiments.wakeup();
        }
    }

    @Override
    public void close() {
        if (experiments != null) {
            experiments.close(CLOSE_TIMEOUT);
        }
        LOG.info("Prober stopped: {} scores probed ({} failed)", probed.get(), failed.get());
    }

    /** Scores published probed and acknowledged so far (failed probes included). */
    long probed() {
        return probed.get();
    }
}
