package dev.autost.sampler;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.autost.domain.AutostException;
import dev.autost.domain.search.SearchExhaustedException;
import dev.autost.messaging.DeadLetters;
import dev.autost.messaging.ReplayingLoop;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.messaging.codec.ReportMessages;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.messaging.codec.TrainMessages;
import dev.autost.observability.AutostMeters;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.Score;
import dev.autost.proto.v1.TrainResult;
import dev.autost.sampler.Submission.Refused;
import io.micrometer.core.instrument.Counter;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The sampler's router: a spec starts (or queues, while every running slot is taken) an
 * {@link Experiment}, and each score, train result or stop goes to the experiment it names, which
 * says what to publish. This class holds only the admission to running slots and the replay: its
 * own reports and train requests, read back with everything else, are collected
 * ({@link ReplayedRecords}) and {@link #onCaughtUp()} rebuilds each open experiment from them.
 * Malformed records become dead letters; an experiment that cannot run gets a FAILED report and
 * is never retried, so one bad experiment cannot stop the others. Kafka-free apart from record
 * types (tested without a broker); not thread-safe: called from the loop thread only.
 */
public final class SamplerHandler implements ReplayingLoop.Handler {
    /** Service name in dead letters and report source. */
    public static final String SERVICE = "sampler";

    private final DeadLetters deadLetters;
    private final AutostMeters meters;
    private final Counter produced;
    private final int maxInFlight;
    private final RunningSlots slots;

    private final Experiments experiments;
    /** Replay only. */
    private final ReplayedRecords replayed = new ReplayedRecords();
    /** Every result read, by recipe, for warm_start lab. */
    private final LabResults lab = new LabResults();

    private final AtomicLong deadLettered = new AtomicLong();

    public SamplerHandler(DeadLetters deadLetters) {
        this(deadLetters, AutostMeters.noop(), SamplerLimits.DEFAULTS);
    }

    /** @param limits searches run at once, candidates of each out to the scorers at once, queue length */
    public SamplerHandler(DeadLetters deadLetters, AutostMeters meters, SamplerLimits limits) {
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.produced = meters.candidatesProduced();
        this.maxInFlight = limits.maxCandidatesInFlight();
        this.slots = new RunningSlots(limits);
        this.experiments = new Experiments(slots);
    }

    @Override
    public List<ProducerRecord<byte[], byte[]>> onRecord(ConsumerRecord<byte[], byte[]> record, boolean replaying) {
        if (record.value() == null) {
            return List.of(); // a tombstone: compaction clean-up, nothing to do
        }
        if (replaying
                && !record.topic().equals(Topics.EXPERIMENTS)
                && !record.topic().equals(Topics.TRAIN_RESULTS) // the lab's results, for warm starts
                && experiments.isOver(Topics.experimentOfKey(record.key()))) {
            // Over (its final report is read first): skipped undecoded, so memory follows the open ones.
            return List.of();
        }
        SamplerOutput out = new SamplerOutput();
        try {
            switch (record.topic()) {
                case Topics.EXPERIMENTS -> onSpec(record, replaying, out);
                case Topics.SCORES -> onScore(record, replaying, out);
                case Topics.REPORTS -> onReport(record, replaying);
                case Topics.TRAIN_RESULTS -> onTrainResult(record, replaying, out);
                case Topics.TRAIN_REQUESTS -> replayed.request(replaying ? record.value() : null);
                default -> {}
            }
        } catch (InvalidProtocolBufferException e) {
            out.addAll(dead(record, "cannot decode " + record.topic() + " record: " + e.getMessage(), e));
        } catch (AutostException | IllegalArgumentException e) {
            out.addAll(dead(record, e.getMessage(), e));
        }
        if (!replaying) {
            admit(out);
        }
        return published(out);
    }

    private void onSpec(ConsumerRecord<byte[], byte[]> record, boolean replaying, SamplerOutput out)
            throws InvalidProtocolBufferException {
        Submission s = Submission.read(record);
        if (s == null) {
            return; // candidates come from elsewhere
        } else if (s.refused() != null && replaying) {
            replayed.refused(s.refused());
        } else if (s.refused() != null) {
            refuse(s.refused(), out);
        } else if (replaying) {
            replayed.spec(s.plan(), s.stop());
        } else {
            submit(s.plan(), s.stop(), record, out);
        }
    }

    private void submit(ExperimentPlan plan, boolean stop, ConsumerRecord<byte[], byte[]> record, SamplerOutput out) {
        String id = plan.experimentId();
        if (stop && !experiments.isKnown(id)) {
            experiments.ended(id, ExperimentPhase.STOPPED); // its spec, if it ever comes, is not run
        } else if (stop) {
            experiments.route(id, e -> e.stop(out));
        }
        if (stop || experiments.isKnown(id)) {
            return; // a spec seen again
        }
        Experiment e = new Experiment(plan, maxInFlight, meters, lab);
        String full = slots.queueFull();
        if (slots.hasFreeSlot()) {
            experiments.add(e);
            startOrRefuse(e, record, out);
        } else if (full != null) {
            refuse(new Refused(record, id, full, null), out);
        } else {
            experiments.add(e);
            slots.enqueue(e, record, out);
        }
    }

    /** Starts queued experiments, oldest first, while a running slot is free. */
    private void admit(SamplerOutput out) {
        for (RunningSlots.Waiting next = slots.nextToAdmit(); next != null; next = slots.nextToAdmit()) {
            Experiment e = experiments.get(next.experimentId());
            if (e != null && e.phase() == ExperimentPhase.QUEUED) {
                startOrRefuse(e, next.spec(), out);
            }
        }
    }

    /** Starts its search; a space too small for it fails it (and dead-letters its spec, if live). */
    private void startOrRefuse(Experiment e, ConsumerRecord<byte[], byte[]> spec, SamplerOutput out) {
        try {
            e.start(out);
        } catch (SearchExhaustedException ex) {
            String reason = ExperimentPlan.infeasible(ex);
            if (spec != null) {
                out.addAll(dead(spec, reason, ex));
            }
            e.fail(reason, out);
        }
        experiments.settle(e);
    }

    private void refuse(Refused r, SamplerOutput out) {
        out.addAll(dead(r.record(), r.reason(), r.error()));
        if (!ExperimentPlan.isValidId(r.experimentId())) {
            return;
        }
        if (experiments.get(r.experimentId()) != null) {
            experiments.route(r.experimentId(), e -> e.fail(r.reason(), out));
        } else if (experiments.endedAs(r.experimentId()) != ExperimentPhase.FAILED) {
            experiments.ended(r.experimentId(), ExperimentPhase.FAILED);
            out.report(ReportMessages.failure(r.experimentId(), SERVICE, r.reason())
                    .build());
        }
    }

    private void onScore(ConsumerRecord<byte[], byte[]> record, boolean replaying, SamplerOutput out)
            throws InvalidProtocolBufferException {
        Score score = Score.parseFrom(record.value());
        if (!SchemaVersions.isKnown(score.getSchemaVersion())) {
            out.addAll(deadLetters.unknownVersion(record, score.getSchemaVersion()));
            return;
        }
        String problem = ScoreMessages.problem(score);
        if (problem != null) {
            out.addAll(deadLetters.reject(record, problem, null)); // the candidate's real score still counts
        } else if (replaying) {
            replayed.score(score);
        } else { // nothing for another experiment's late duplicate, or one this sampler never ran
            experiments.route(score.getExperimentId(), e -> e.onScore(score, out));
        }
    }

    private void onReport(ConsumerRecord<byte[], byte[]> record, boolean replaying)
            throws InvalidProtocolBufferException {
        Report report = replaying ? Report.parseFrom(record.value()) : null;
        ExperimentPhase over = report != null && SERVICE.equals(report.getSource()) ? replayed.report(report) : null;
        if (over != null) {
            experiments.ended(report.getExperimentId(), over);
        }
    }

    /** A record this sampler cannot read is left to the evaluator, which dead-letters it: one dead letter per bad record. */
    private void onTrainResult(ConsumerRecord<byte[], byte[]> record, boolean replaying, SamplerOutput out) {
        TrainResult result = TrainMessages.readable(record.value());
        if (result == null) {
            return;
        }
        lab.add(result);
        if (!replaying) {
            experiments.route(result.getExperimentId(), e -> e.onTrainResult(result, out));
        } else if (!experiments.isOver(result.getExperimentId())) {
            replayed.result(result);
        }
    }

    /** Reports first: which experiments are over is known before their scores are read. */
    @Override
    public List<String> replayFirst() {
        return List.of(Topics.REPORTS);
    }

    @Override
    public List<ProducerRecord<byte[], byte[]>> onCaughtUp() {
        SamplerOutput out = new SamplerOutput();
        for (Refused r : replayed.refused()) {
            if (experiments.endedAs(r.experimentId()) != ExperimentPhase.FAILED) {
                refuse(r, out); // not reported before: refused while this service was down
            }
        }
        // Searches that had begun resume whatever the bound; the others take the free slots in
        // arrival order and the rest wait in the queue again.
        for (ExperimentPlan plan : replayed.plansBegunFirst()) {
            if (experiments.isKnown(plan.experimentId())) {
                continue; // over before the restart: nothing to publish again
            }
            Experiment e = new Experiment(plan, maxInFlight, meters, lab);
            experiments.add(e);
            if (replayed.begun(e.id()) || slots.hasFreeSlot()) {
                resumeOrFail(e, out);
            } else {
                slots.enqueue(e, null, out);
            }
        }
        replayed.clear();
        return published(out);
    }

    private void resumeOrFail(Experiment e, SamplerOutput out) {
        e.resumeOrFail(replayed.of(e.id()), replayed.stopRequested(e.id()), out);
        experiments.settle(e);
    }

    private List<ProducerRecord<byte[], byte[]>> published(SamplerOutput out) {
        produced.increment(out.candidates());
        meters.samplerExperiments(slots.running(), slots.waiting());
        return out.records();
    }

    @Override
    public List<ProducerRecord<byte[], byte[]>> onUnexpected(
            ConsumerRecord<byte[], byte[]> record, RuntimeException error) {
        return dead(record, "unexpected error: " + error, error);
    }

    private List<ProducerRecord<byte[], byte[]>> dead(
            ConsumerRecord<byte[], byte[]> record, String reason, Exception e) {
        deadLettered.incrementAndGet();
        return deadLetters.reject(record, reason, e);
    }

    /** Scores collected by the replay so far (tests). */
    int scoresHeldForReplay() {
        return replayed.scoreCount();
    }

    /** Experiments whose search this sampler runs (each holding a running slot). */
    public int runsHeld() {
        return slots.running();
    }

    /** Experiments training by successive halving whose last result is not in yet. */
    public int trainingsHeld() {
        return experiments.inPhase(ExperimentPhase.TRAINING);
    }

    /** Experiments with any state held: queued, searching, calibrating or training. */
    public int experimentsHeld() {
        return experiments.open();
    }

    /** Records dead-lettered so far. */
    public long deadLettered() {
        return deadLettered.get();
    }
}
