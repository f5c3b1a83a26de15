package dev.autost.sampler;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.autost.domain.AutostException;
import dev.autost.domain.fidelity.SuccessiveHalving;
import dev.autost.domain.search.Candidate;
import dev.autost.domain.search.ObjectiveScorer;
import dev.autost.domain.search.SearchExhaustedException;
import dev.autost.domain.search.Trial;
import dev.autost.messaging.DeadLetters;
import dev.autost.messaging.ReplayingLoop;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.CalibrationMessages;
import dev.autost.messaging.codec.CandidateMessages;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.messaging.codec.ReportMessages;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.messaging.codec.TrainMessages;
import dev.autost.observability.AutostMeters;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.ExperimentSpec;
import dev.autost.proto.v1.RankedCandidate;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.Score;
import dev.autost.proto.v1.TrainRequest;
import dev.autost.proto.v1.TrainResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sampler's reaction to its inputs; Kafka-free apart from record types, so it is tested
 * without a broker.
 *
 * <ul>
 *   <li>{@code autost.experiments}: a new spec starts an {@link ExperimentRun} and publishes
 *       its first generation. A spec seen again is ignored.</li>
 *   <li>{@code autost.scores}: a score is told to its run; when a generation completes, the next
 *       one is published with a RUNNING report; when the search ends, the top-k train requests
 *       and a SEARCH_DONE report follow.</li>
 *   <li>{@code autost.reports} (own reports, read only during the replay): tells which
 *       experiments already published their final outputs.</li>
 *   <li>{@code autost.train-results}: with successive halving ({@code rung_epochs}), the search's
 *       end publishes only the first rung's requests and a SEARCH_DONE report with {@code
 *       training_open}; each result may promote candidates (a request for the same candidate with
 *       more epochs, continued from its checkpoint by a trainer), and the last one closes the
 *       training with a SEARCH_DONE report without {@code training_open}.</li>
 *   <li>{@code autost.train-requests} (own requests, read only during the replay): which
 *       promotions were published, so a restart mid-rung publishes only what is missing.</li>
 * </ul>
 * During the replay specs, scores and reports are only collected; {@link #onCaughtUp()} rebuilds
 * every run from them and publishes what is still missing. Malformed records become dead
 * letters. An experiment that cannot run (a refused spec, a space with too few feasible
 * candidates) gets a FAILED report with the reason, live or on replay, and is never retried:
 * one bad experiment must not stop the service for the others.
 * Not thread-safe: called from the loop thread only.
 */
public final class SamplerHandler implements ReplayingLoop.Handler {
    /** Service name in dead letters and report source. */
    public static final String SERVICE = "sampler";

    private static final int REPORT_TOP = 10;

    private static final Logger LOG = LoggerFactory.getLogger(SamplerHandler.class);

    private final DeadLetters deadLetters;
    private final Map<String, ExperimentPlan> plans = new LinkedHashMap<>();
    private final Map<String, ExperimentRun> runs = new HashMap<>();
    private final Map<String, Map<String, Score>> replayedScores = new HashMap<>();
    private final Set<String> finalOutputsPublished = new HashSet<>();
    private final Set<String> stopped = new HashSet<>();
    /** Experiments whose wait for the prober was logged. */
    private final Set<String> waitingForProbes = new HashSet<>();
    /** Experiments whose FAILED report is published (known from the replay or sent by this instance). */
    private final Set<String> failed = new HashSet<>();
    /** Experiments training by successive halving, search done, training open. */
    private final Map<String, HalvingRun> halvings = new HashMap<>();
    /** Replay only: each experiment's train requests, most epochs per genome hash. */
    private final Map<String, Map<String, Integer>> replayedRequests = new HashMap<>();
    /** Replay only: each experiment's last train result per genome hash. */
    private final Map<String, Map<String, ReplayedResult>> replayedResults = new HashMap<>();

    private record ReplayedResult(double testAccuracy, List<Double> accuracies, boolean failed) {}

    /** Experiments on objective calibrated whose search runs. */
    private final Map<String, CalibrationRun> calibrations = new HashMap<>();
    /** Replay only: each experiment's calibration choices, from its last sampler report. */
    private final Map<String, List<dev.autost.proto.v1.CalibrationStep>> replayedCalibration = new HashMap<>();
    /** Replay only: each experiment's calibration trainings (requests of rank 0). */
    private final Map<String, Set<String>> replayedCalibrationRequests = new HashMap<>();

    /** Specs refused while replaying; {@link #onCaughtUp} reports those not reported before. */
    private final Map<String, Refused> refusedOnReplay = new LinkedHashMap<>();

    private final int maxRunning;
    private final int maxInFlight;
    private final int maxQueued;
    /**
     * Experiments waiting for a running slot, in arrival order, with their spec record (null when
     * queued at a restart); started by {@link #admit} when a search ends.
     */
    private final Map<String, ConsumerRecord<byte[], byte[]>> queued = new LinkedHashMap<>();

    private final AtomicLong candidatesPublished = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();

    private final AutostMeters meters;
    private final io.micrometer.core.instrument.Counter produced;

    public SamplerHandler(DeadLetters deadLetters) {
        this(deadLetters, AutostMeters.noop());
    }

    public SamplerHandler(DeadLetters deadLetters, AutostMeters meters) {
        this(deadLetters, meters, SamplerLimits.DEFAULTS);
    }

    /** @param limits searches run at once, candidates of each out to the scorers at once */
    public SamplerHandler(DeadLetters deadLetters, AutostMeters meters, SamplerLimits limits) {
        this.maxRunning = limits.maxRunningExperiments();
        this.maxInFlight = limits.maxCandidatesInFlight();
        this.maxQueued = limits.maxQueuedExperiments();
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.produced = meters.candidatesProduced();
    }

    @Override
    public List<ProducerRecord<byte[], byte[]>> onRecord(ConsumerRecord<byte[], byte[]> record, boolean replaying) {
        if (record.value() == null) {
            return List.of(); // a tombstone: compaction clean-up, nothing to do
        }
        if (replaying
                && !record.topic().equals(Topics.EXPERIMENTS)
                && finalOutputsPublished.contains(Topics.experimentOfKey(record.key()))) {
            // Its final report was read first (replayFirst): nothing of it is rebuilt, so its
            // records are skipped undecoded and a restart's memory follows the open experiments.
            return List.of();
        }
        List<ProducerRecord<byte[], byte[]>> out = handle(record, replaying);
        if (replaying) {
            return out;
        }
        if (!queued.isEmpty() && runs.size() < maxRunning) {
            out = new ArrayList<>(out);
            out.addAll(admit());
        }
        meters.samplerExperiments(runs.size(), queued.size());
        return out;
    }

    private List<ProducerRecord<byte[], byte[]>> handle(ConsumerRecord<byte[], byte[]> record, boolean replaying) {
        try {
            return switch (record.topic()) {
                case Topics.EXPERIMENTS -> onSpec(record, replaying);
                case Topics.SCORES -> onScore(record, replaying);
                case Topics.REPORTS -> onReport(record, replaying);
                case Topics.TRAIN_RESULTS -> onTrainResult(record, replaying);
                case Topics.TRAIN_REQUESTS -> onTrainRequest(record, replaying);
                default -> List.of();
            };
        } catch (InvalidProtocolBufferException e) {
            return dead(record, "cannot decode " + record.topic() + " record: " + e.getMessage(), e);
        } catch (AutostException | IllegalArgumentException e) {
            return dead(record, e.getMessage(), e);
        }
    }

    private List<ProducerRecord<byte[], byte[]>> onSpec(ConsumerRecord<byte[], byte[]> record, boolean replaying)
            throws InvalidProtocolBufferException {
        ExperimentSpec spec = ExperimentSpec.parseFrom(record.value());
        if (ExperimentPlan.NO_SAMPLER.equals(spec.getOptionsOrDefault(ExperimentPlan.SAMPLER_OPTION, ""))) {
            return List.of(); // candidates come from elsewhere (a benchmark, an external producer)
        }
        ExperimentPlan plan;
        try {
            plan = ExperimentPlan.fromSpec(spec);
        } catch (ExperimentPlan.InvalidExperimentException e) {
            Refused refused = new Refused(record, spec.getExperimentId(), e.getMessage(), e);
            if (replaying) {
                refusedOnReplay.put(refused.experimentId() + "@" + record.offset(), refused);
                return List.of();
            }
            return refuse(refused);
        }
        boolean stop = "true".equals(spec.getOptionsOrDefault(ExperimentPlan.STOPPED_OPTION, "false"));
        if (plans.containsKey(plan.experimentId()) || stop) {
            plans.putIfAbsent(plan.experimentId(), plan);
            if (!stop || !stopped.add(plan.experimentId()) || replaying) {
                return List.of(); // a spec seen again, or a stop already applied or to apply after the replay
            }
            if (queued.remove(plan.experimentId()) != null) {
                finalOutputsPublished.add(plan.experimentId());
                LOG.info("experiment {}: stopped while queued", plan.experimentId());
                return List.of(searchlessReport(plan, Report.Phase.STOPPED, false));
            }
            ExperimentRun run = runs.get(plan.experimentId());
            HalvingRun training = halvings.remove(plan.experimentId());
            if (training != null && !finalOutputsPublished.contains(plan.experimentId())) {
                finalOutputsPublished.add(plan.experimentId());
                LOG.info("experiment {}: stopped while training by successive halving", plan.experimentId());
                return List.of(reportRecord(training.report(Report.Phase.STOPPED, false)));
            }
            if (run == null || finalOutputsPublished.contains(plan.experimentId())) {
                return List.of();
            }
            finalOutputsPublished.add(plan.experimentId());
            runs.remove(plan.experimentId());
            LOG.info(
                    "experiment {}: stopped at generation {} after {} candidates",
                    plan.experimentId(),
                    run.generation(),
                    run.scored());
            return List.of(report(plan, run, Report.Phase.STOPPED));
        }
        plans.put(plan.experimentId(), plan);
        if (replaying) {
            return List.of();
        }
        if (runs.size() >= maxRunning) {
            if (queued.size() >= maxQueued) {
                return refuse(new Refused(
                        record,
                        plan.experimentId(),
                        "the queue is full: " + queued.size() + " experiments wait for one of " + maxRunning
                                + " running slots (at most " + maxQueued
                                + " may wait: --max-queued-experiments); submit it again later",
                        null));
            }
            return queue(plan, record);
        }
        return start(plan, record);
    }

    /** Puts an experiment in the queue and says so in its report. */
    private List<ProducerRecord<byte[], byte[]>> queue(ExperimentPlan plan, ConsumerRecord<byte[], byte[]> record) {
        queued.put(plan.experimentId(), record);
        LOG.info(
                "experiment {}: queued ({} searches running, at most {}; {} waiting)",
                plan.experimentId(),
                runs.size(),
                maxRunning,
                queued.size());
        return List.of(searchlessReport(plan, Report.Phase.RUNNING, true));
    }

    /** The report of an experiment whose search has not begun (queued, or stopped in the queue). */
    private static ProducerRecord<byte[], byte[]> searchlessReport(
            ExperimentPlan plan, Report.Phase phase, boolean queued) {
        return reportRecord(Report.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(plan.experimentId())
                .setPhase(phase)
                .setSource(SERVICE)
                .setGenerations(plan.settings().generations())
                .setQueued(queued)
                .build());
    }

    /** Starts queued experiments, oldest first, while a running slot is free. */
    private List<ProducerRecord<byte[], byte[]>> admit() {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        var it = queued.entrySet().iterator();
        while (runs.size() < maxRunning && it.hasNext()) {
            var next = it.next();
            it.remove();
            ExperimentPlan plan = plans.get(next.getKey());
            if (plan != null && !finalOutputsPublished.contains(next.getKey())) {
                out.addAll(start(plan, next.getValue()));
            }
        }
        return out;
    }

    /** Starts an experiment's search: its first generation and a RUNNING report. */
    private List<ProducerRecord<byte[], byte[]>> start(ExperimentPlan plan, ConsumerRecord<byte[], byte[]> record) {
        LOG.info(
                "experiment {}: {} search of space {}, seed {}",
                plan.experimentId(),
                plan.strategy().id(),
                plan.space().name(),
                plan.settings().seed());
        ExperimentRun run = ExperimentRun.start(plan);
        if (plan.objective().isCalibrated()) {
            calibrations.put(plan.experimentId(), new CalibrationRun(plan, List.of()));
        }
        List<Candidate> first;
        try {
            first = run.ask();
        } catch (SearchExhaustedException e) {
            return record == null
                    ? fail(plan.experimentId(), null, ExperimentPlan.infeasible(e)) // queued at a restart
                    : refuse(new Refused(record, plan.experimentId(), ExperimentPlan.infeasible(e), e));
        }
        runs.put(plan.experimentId(), run);
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(send(plan, run, first));
        out.add(report(plan, run, Report.Phase.RUNNING));
        return out;
    }

    /** A spec this sampler will not run: the record to the dead letters, the reason to the reports. */
    private record Refused(
            ConsumerRecord<byte[], byte[]> record, String experimentId, String reason, Exception error) {}

    private List<ProducerRecord<byte[], byte[]>> refuse(Refused r) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(dead(r.record(), r.reason(), r.error()));
        if (ExperimentPlan.isValidId(r.experimentId())) {
            out.addAll(fail(r.experimentId(), null, r.reason()));
        }
        return out;
    }

    /**
     * Ends an experiment as FAILED: drops its run and publishes a FAILED report with the reason
     * (once; nothing if one was published before).
     */
    private List<ProducerRecord<byte[], byte[]>> fail(String experimentId, ExperimentRun run, String reason) {
        runs.remove(experimentId);
        halvings.remove(experimentId);
        calibrations.remove(experimentId);
        if (!failed.add(experimentId)) {
            return List.of();
        }
        finalOutputsPublished.add(experimentId);
        LOG.warn("experiment {}: failed: {}", experimentId, reason);
        Report.Builder r = Report.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(experimentId)
                .setPhase(Report.Phase.FAILED)
                .setSource(SERVICE)
                .setFailureReason(reason);
        ExperimentPlan plan = plans.get(experimentId);
        if (plan != null) {
            r.setGenerations(plan.settings().generations());
        }
        if (run != null) {
            r.setGeneration(run.generation()).setCandidatesScored(run.scored());
        }
        return List.of(record(
                Topics.REPORTS, Topics.experimentKey(experimentId), r.build().toByteArray()));
    }

    private List<ProducerRecord<byte[], byte[]>> onScore(ConsumerRecord<byte[], byte[]> record, boolean replaying)
            throws InvalidProtocolBufferException {
        Score score = Score.parseFrom(record.value());
        if (!SchemaVersions.isKnown(score.getSchemaVersion())) {
            return deadLetters.unknownVersion(record, score.getSchemaVersion());
        }
        String problem = ScoreMessages.problem(score);
        if (problem != null) {
            return deadLetters.reject(record, problem, null); // the candidate's real score still counts
        }
        if (replaying) {
            replayedScores
                    .computeIfAbsent(score.getExperimentId(), k -> new HashMap<>())
                    .merge(score.getGenomeHash(), score, ScoreMessages::keep);
            return List.of();
        }
        ExperimentRun run = runs.get(score.getExperimentId());
        ExperimentPlan plan = plans.get(score.getExperimentId());
        if (run == null || plan == null || run.isFinished() || stopped.contains(score.getExperimentId())) {
            return List.of(); // another experiment's late duplicate, or one this sampler never ran
        }
        List<ProducerRecord<byte[], byte[]>> out = tell(plan, run, score);
        if (runs.get(plan.experimentId()) != run || run.unsent() == 0) {
            return out; // finished, failed, or nothing held back
        }
        List<Candidate> more = run.release(maxInFlight); // the score freed a place
        if (more.isEmpty()) {
            return out;
        }
        List<ProducerRecord<byte[], byte[]>> withMore = new ArrayList<>(out);
        withMore.addAll(publish(plan, run, more));
        return withMore;
    }

    /** Tells a live run a score; what follows from it (next generation, training, the end). */
    private List<ProducerRecord<byte[], byte[]>> tell(ExperimentPlan plan, ExperimentRun run, Score score) {
        ObjectiveScorer.Measurement measured =
                ScoreMessages.measurement(score, plan.space().setting().syopsBatch());
        if (plan.objective().needsProbes() && !score.getSkipProbe() && !ScoreMessages.isProbed(score)) {
            if (waitingForProbes.add(plan.experimentId())) {
                LOG.info(
                        "experiment {}: objective {} waits for the prober's measurements (autost service prober)",
                        plan.experimentId(),
                        plan.objective());
            }
            return List.of(); // the prober's enriched score of this candidate follows
        }
        if (run.onScore(score.getGenomeHash(), measured).isEmpty()) {
            CalibrationRun calibration = calibrations.get(plan.experimentId());
            if (calibration != null) {
                List<TrainRequest> sample = calibration.sampleRequests(run, Set.of());
                if (!sample.isEmpty()) {
                    LOG.info(
                            "experiment {}: objective calibrated: training {} of the first generation before the"
                                    + " search goes on",
                            plan.experimentId(),
                            sample.size());
                    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
                    sample.forEach(r -> out.add(trainRecord(r)));
                    out.add(report(plan, run, Report.Phase.RUNNING));
                    return out;
                }
            }
            return List.of(); // a duplicate delivery, or a reference (or calibration) not complete yet
        }
        try {
            return advance(plan, run);
        } catch (SearchExhaustedException e) {
            return fail(
                    plan.experimentId(), run, ExperimentPlan.infeasible(e)); // the score was fine; the space ran dry
        }
    }

    private List<ProducerRecord<byte[], byte[]>> onReport(ConsumerRecord<byte[], byte[]> record, boolean replaying)
            throws InvalidProtocolBufferException {
        if (!replaying) {
            return List.of();
        }
        Report report = Report.parseFrom(record.value());
        if (SERVICE.equals(report.getSource())
                && (ReportMessages.searchAndTrainingDone(report) || ReportMessages.isFinal(report.getPhase()))) {
            // Final; a SEARCH_DONE whose training is open resumes from the scores, requests and results.
            finalOutputsPublished.add(report.getExperimentId());
        }
        if (SERVICE.equals(report.getSource()) && report.getPhase() == Report.Phase.FAILED) {
            failed.add(report.getExperimentId());
        }
        if (SERVICE.equals(report.getSource())) {
            replayedCalibration.put(report.getExperimentId(), report.getCalibrationList()); // the last counts
        }
        return List.of();
    }

    /**
     * A train result: the promotions it allows, for an experiment training by successive halving.
     * A record this sampler cannot read is left to the evaluator, which dead-letters it: one
     * dead letter per bad record.
     */
    private List<ProducerRecord<byte[], byte[]>> onTrainResult(
            ConsumerRecord<byte[], byte[]> record, boolean replaying) {
        TrainResult result;
        try {
            result = TrainResult.parseFrom(record.value());
        } catch (InvalidProtocolBufferException e) {
            return List.of();
        }
        if (!SchemaVersions.isKnown(result.getSchemaVersion())) {
            return List.of();
        }
        boolean failedResult = !TrainMessages.succeeded(result);
        if (replaying) {
            replayedResults
                    .computeIfAbsent(result.getExperimentId(), k -> new HashMap<>())
                    .put(
                            result.getGenomeHash(),
                            new ReplayedResult(
                                    result.getTestAccuracy(), result.getEpochTestAccuraciesList(), failedResult));
            return List.of();
        }
        CalibrationRun calibration = calibrations.get(result.getExperimentId());
        if (calibration != null) {
            calibration.result(
                    result.getGenomeHash(),
                    result.getTestAccuracy(),
                    result.getEpochTestAccuraciesList(),
                    failedResult);
            return chooseFirst(result.getExperimentId(), calibration);
        }
        HalvingRun training = halvings.get(result.getExperimentId());
        if (training == null) {
            return List.of(); // trained without halving, or its training is closed
        }
        List<SuccessiveHalving.Request> promoted =
                training.halving().onResult(result.getGenomeHash(), result.getEpochTestAccuraciesList(), failedResult);
        return trainingOutputs(training, promoted);
    }

    /** Replay only: the epochs this sampler last asked for each candidate. */
    private List<ProducerRecord<byte[], byte[]>> onTrainRequest(
            ConsumerRecord<byte[], byte[]> record, boolean replaying) {
        if (!replaying) {
            return List.of();
        }
        try {
            TrainRequest r = TrainRequest.parseFrom(record.value());
            replayedRequests
                    .computeIfAbsent(r.getExperimentId(), k -> new HashMap<>())
                    .merge(r.getGenomeHash(), r.getEpochs(), Math::max);
            if (r.getRank() == 0) {
                replayedCalibrationRequests
                        .computeIfAbsent(r.getExperimentId(), k -> new HashSet<>())
                        .add(r.getGenomeHash());
            }
        } catch (InvalidProtocolBufferException e) {
            // the trainers dead-letter it
        }
        return List.of();
    }

    /**
     * Calibrated: once the whole sample is trained, chooses the metric, tells the held first
     * generation and publishes the next; nothing before.
     */
    private List<ProducerRecord<byte[], byte[]>> chooseFirst(String experimentId, CalibrationRun calibration) {
        ExperimentRun run = runs.get(experimentId);
        ExperimentPlan plan = plans.get(experimentId);
        if (run == null || plan == null || calibration.chooseFirst(run).isEmpty()) {
            return List.of();
        }
        LOG.info(
                "experiment {}: objective calibrated ranks by {} ({})",
                experimentId,
                calibration.currentMetric(),
                calibration.steps().get(0).getNote().isEmpty()
                        ? "highest Kendall tau with the accuracy of "
                                + calibration.steps().get(0).getTrained() + " trained candidates"
                        : calibration.steps().get(0).getNote());
        try {
            return advance(plan, run);
        } catch (SearchExhaustedException e) {
            return fail(experimentId, run, ExperimentPlan.infeasible(e));
        }
    }

    /** Replay: what this experiment asked or had trained before the restart. */
    private Set<String> knownTrainings(String experimentId) {
        Set<String> known = new HashSet<>(
                replayedRequests.getOrDefault(experimentId, Map.of()).keySet());
        known.addAll(replayedResults.getOrDefault(experimentId, Map.of()).keySet());
        return known;
    }

    /**
     * The requests of {@code promoted} and the experiment's report: open while rungs may still
     * promote, closed (and the run dropped) once the last result is in.
     */
    private List<ProducerRecord<byte[], byte[]>> trainingOutputs(
            HalvingRun training, List<SuccessiveHalving.Request> promoted) {
        String id = training.experimentId();
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (TrainRequest r : training.trainRequests(promoted)) {
            LOG.info("experiment {}: {} goes on to {} epochs", id, r.getGenomeHash(), r.getEpochs());
            out.add(record(Topics.TRAIN_REQUESTS, Topics.genomeKey(id, r.getGenomeHash()), r.toByteArray()));
        }
        boolean done = training.halving().isDone();
        out.add(reportRecord(training.report(Report.Phase.SEARCH_DONE, !done)));
        if (done) {
            halvings.remove(id);
            finalOutputsPublished.add(id);
            LOG.info(
                    "experiment {}: successive halving done: {} trained, {} epochs of at most {}, per rung {}",
                    id,
                    training.halving().withResult(),
                    training.halving().epochsRequested(),
                    training.halving().budgetEpochs(),
                    training.halving().finishedPerRung());
        }
        return out;
    }

    /** Reports first: which experiments are over is known before their scores are read. */
    @Override
    public List<String> replayFirst() {
        return List.of(Topics.REPORTS);
    }

    @Override
    public List<ProducerRecord<byte[], byte[]>> onCaughtUp() {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (Refused r : refusedOnReplay.values()) {
            if (!failed.contains(r.experimentId())) {
                out.addAll(refuse(r)); // not reported before: refused while this service was down
            }
        }
        refusedOnReplay.clear();
        // Searches that had begun (scores stored) resume whatever the bound; the others take the
        // free slots in arrival order and the rest wait in the queue again.
        List<ExperimentPlan> notBegun = new ArrayList<>();
        for (ExperimentPlan plan : plans.values()) {
            if (failed.contains(plan.experimentId())) {
                continue; // reported FAILED before: replaying it would fail again
            }
            boolean begun = replayedScores.containsKey(plan.experimentId())
                    || finalOutputsPublished.contains(plan.experimentId())
                    || stopped.contains(plan.experimentId());
            if (begun) {
                out.addAll(resumeOrFail(plan));
            } else {
                notBegun.add(plan);
            }
        }
        for (ExperimentPlan plan : notBegun) {
            out.addAll(runs.size() < maxRunning ? resumeOrFail(plan) : queue(plan, null));
        }
        replayedScores.clear();
        replayedRequests.clear();
        replayedResults.clear();
        replayedCalibration.clear();
        replayedCalibrationRequests.clear();
        meters.samplerExperiments(runs.size(), queued.size());
        return out;
    }

    /** {@link #resume}, or the experiment's FAILED report when it cannot resume. */
    private List<ProducerRecord<byte[], byte[]>> resumeOrFail(ExperimentPlan plan) {
        try {
            return resume(plan);
        } catch (SearchExhaustedException e) {
            return fail(plan.experimentId(), null, ExperimentPlan.infeasible(e));
        } catch (AutostException | IllegalArgumentException e) {
            // e.g. a stored score that no longer fits the plan: this experiment cannot resume,
            // the others can.
            return fail(plan.experimentId(), null, "cannot resume from the stored records: " + e.getMessage());
        }
    }

    /** Rebuilds one experiment's run from the replayed scores and returns what is still to publish. */
    private List<ProducerRecord<byte[], byte[]>> resume(ExperimentPlan plan) {
        if (finalOutputsPublished.contains(plan.experimentId())) {
            // Done (SEARCH_DONE or STOPPED published): nothing to publish again, so its search is
            // neither re-run nor kept; a restart with many finished experiments stays quick and small.
            return List.of();
        }
        Map<String, ObjectiveScorer.Measurement> known = new HashMap<>();
        replayedScores.getOrDefault(plan.experimentId(), Map.of()).forEach((hash, s) -> {
            ObjectiveScorer.Measurement m =
                    ScoreMessages.measurement(s, plan.space().setting().syopsBatch());
            if (plan.objective().isMeasured(m)) { // not probed yet: republished, scored and probed again
                known.put(hash, m);
            }
        });
        String id = plan.experimentId();
        List<dev.autost.proto.v1.CalibrationStep> steps = replayedCalibration.getOrDefault(id, List.of());
        ExperimentRun.Replayed r = ExperimentRun.replay(
                plan, known, plan.objective().isCalibrated() ? CalibrationMessages.choices(steps) : Map.of());
        ExperimentRun run = r.run();
        runs.put(id, run);
        List<ProducerRecord<byte[], byte[]>> calibrationOut = new ArrayList<>();
        if (plan.objective().isCalibrated()) {
            CalibrationRun calibration = new CalibrationRun(plan, steps);
            calibrations.put(id, calibration);
            replayedCalibrationRequests.getOrDefault(id, Set.of()).forEach(calibration::requestedBefore);
            replayedResults
                    .getOrDefault(id, Map.of())
                    .forEach((hash, res) ->
                            calibration.result(hash, res.testAccuracy(), res.accuracies(), res.failed()));
            if (run.waitingForCalibration()) {
                calibration.sampleRequests(run, knownTrainings(id)).forEach(q -> calibrationOut.add(trainRecord(q)));
                if (!calibration.chooseFirst(run).isEmpty()) {
                    r = ExperimentRun.continueReplay(run, known); // the choice was made, not yet published
                }
            }
        }
        if (stopped.contains(plan.experimentId())) {
            finalOutputsPublished.add(plan.experimentId());
            runs.remove(plan.experimentId());
            return List.of(report(plan, run, Report.Phase.STOPPED));
        }
        if (run.isFinished()) {
            calibrationOut.addAll(finish(plan, run));
            return calibrationOut;
        }
        LOG.info(
                "experiment {}: resumed at generation {} ({} scores replayed, {} candidates to score again)",
                plan.experimentId(),
                run.generation(),
                r.replayedScores(),
                r.pending().size());
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(calibrationOut);
        if (r.pending().isEmpty() && !run.waitingForCalibration()) {
            out.addAll(advance(plan, run)); // told to its end before the restart, next generation not published
            return out;
        }
        out.addAll(send(plan, run, r.pending()));
        out.add(report(plan, run, Report.Phase.RUNNING));
        return out;
    }

    private List<ProducerRecord<byte[], byte[]>> advance(ExperimentPlan plan, ExperimentRun run) {
        if (run.isFinished()) {
            if (run.exhausted() != null) {
                LOG.info("experiment {}: search ended early: {}", plan.experimentId(), run.exhausted());
            }
            return finish(plan, run);
        }
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        CalibrationRun calibration = calibrations.get(plan.experimentId());
        if (calibration != null && !run.waitingForCalibration() && run.outstanding() == 0) {
            String before = run.metricFor(run.generationsAsked());
            calibration
                    .atGeneration(run, run.generationsAsked(), knownTrainings(plan.experimentId()))
                    .forEach(q -> out.add(trainRecord(q)));
            String after = run.metricFor(run.generationsAsked());
            if (before != null && !before.equals(after)) {
                LOG.info(
                        "experiment {}: objective calibrated ranks by {} from generation {} on",
                        plan.experimentId(),
                        after,
                        run.generationsAsked());
            }
        }
        List<Candidate> next = run.ask();
        if (next.isEmpty()) {
            return out; // the generation is still being scored
        }
        out.addAll(send(plan, run, next));
        out.add(report(plan, run, Report.Phase.RUNNING));
        return out;
    }

    private List<ProducerRecord<byte[], byte[]>> finish(ExperimentPlan plan, ExperimentRun run) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        List<Trial> ranking = run.ranking();
        CalibrationRun calibrating = calibrations.get(plan.experimentId());
        List<Integer> picked = calibrating != null && plan.halving().isPresent() && plan.trainBudgetEpochs() > 0
                ? entrantsAfterCalibration(plan, ranking, calibrating.requested())
                : plan.trainSelection().positions(ranking, plan.trainEntrants(ranking.size()));
        int k = picked.size();
        List<TrainRequest> requests = new ArrayList<>(k);
        for (int i : picked) {
            requests.add(plan.trainRequest(ranking.get(i).candidate().genome(), i + 1, plan.firstEpochs()));
        }
        // The final report's top reaches down to the last trained pick, so every request's rank is in it.
        int deepest = picked.isEmpty() ? 0 : picked.get(k - 1) + 1;
        Report searchDone = reportMessage(plan, run, Report.Phase.SEARCH_DONE, deepest);
        runs.remove(plan.experimentId()); // its search state is no longer needed: the report holds the top
        // Calibrated: its trainings were the first training of their candidates; a pick among them
        // is not trained again, and the others count as trained candidates of the experiment.
        CalibrationRun calibration = calibrations.remove(plan.experimentId());
        Set<String> calibrated = calibration == null ? Set.of() : calibration.requested();
        LOG.info(
                "experiment {}: search done, {} candidates scored, {} train requests{}",
                plan.experimentId(),
                run.scored(),
                k,
                plan.halving().map(h -> " (successive halving, " + h + ")").orElse(""));
        if (plan.halving().isEmpty()) {
            Set<String> trained = new java.util.LinkedHashSet<>(calibrated);
            for (TrainRequest r : requests) {
                if (trained.add(r.getGenomeHash())) {
                    out.add(trainRecord(r));
                }
            }
            out.add(reportRecord(
                    searchDone.toBuilder().setTrainExpected(trained.size()).build()));
            finalOutputsPublished.add(plan.experimentId());
            return out;
        }
        Set<String> entrants = new HashSet<>();
        requests.forEach(r -> entrants.add(r.getGenomeHash()));
        int calibrationOnly =
                (int) calibrated.stream().filter(h -> !entrants.contains(h)).count();
        HalvingRun training =
                new HalvingRun(plan, requests, searchDone, calibrationOnly, calibrationOnly * plan.firstEpochs());
        for (String hash : calibrated) {
            // An entrant trained for calibration has its first rung: same request, same training.
            training.halving().requested(hash, plan.firstEpochs());
            if (calibration.hasResult(hash)) {
                training.halving().record(hash, calibration.epochAccuracies(hash), calibration.failed(hash));
            }
        }
        // After a restart: what was asked and trained before, then only what is missing goes out.
        replayedRequests
                .getOrDefault(plan.experimentId(), Map.of())
                .forEach((hash, epochs) -> training.halving().requested(hash, epochs));
        replayedResults
                .getOrDefault(plan.experimentId(), Map.of())
                .forEach((hash, r) -> training.halving().record(hash, r.accuracies(), r.failed()));
        List<SuccessiveHalving.Request> first =
                new ArrayList<>(training.halving().start());
        for (TrainRequest r : training.trainRequests(first)) {
            out.add(trainRecord(r));
        }
        halvings.put(plan.experimentId(), training);
        out.addAll(trainingOutputs(training, training.halving().promote()));
        return out;
    }

    /**
     * Calibrated with halving and a budget: the budget is the experiment's whole training, its
     * calibration included. The most entrants whose halving, plus the calibration trainings that
     * are not entrants (an entrant's calibration was its first rung), fit in the budget.
     */
    private static List<Integer> entrantsAfterCalibration(
            ExperimentPlan plan, List<Trial> ranking, Set<String> calibrated) {
        dev.autost.domain.fidelity.RungSchedule rungs = plan.halving().orElseThrow();
        for (int n = Math.min(ranking.size(), rungs.entrantsWithin(plan.trainBudgetEpochs(), ranking.size()));
                n > 0;
                n--) {
            List<Integer> picked = plan.trainSelection().positions(ranking, n);
            Set<String> entrants = new HashSet<>();
            picked.forEach(i -> entrants.add(ranking.get(i).candidate().genome().hash()));
            long others = calibrated.stream().filter(h -> !entrants.contains(h)).count();
            if (rungs.worstCaseEpochs(picked.size()) + others * rungs.epochs(0) <= plan.trainBudgetEpochs()) {
                return picked;
            }
        }
        return List.of();
    }

    private static ProducerRecord<byte[], byte[]> trainRecord(TrainRequest r) {
        return record(Topics.TRAIN_REQUESTS, Topics.genomeKey(r.getExperimentId(), r.getGenomeHash()), r.toByteArray());
    }

    /**
     * Candidates to score: held by the run and published as far as the in-flight bound allows;
     * the rest follow as scores come back ({@link #onScore}).
     */
    private List<ProducerRecord<byte[], byte[]>> send(
            ExperimentPlan plan, ExperimentRun run, List<Candidate> candidates) {
        run.hold(candidates);
        return publish(plan, run, run.release(maxInFlight));
    }

    private List<ProducerRecord<byte[], byte[]>> publish(
            ExperimentPlan plan, ExperimentRun run, List<Candidate> candidates) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(candidates.size());
        for (Candidate c : candidates) {
            out.add(record(
                    Topics.CANDIDATES,
                    Topics.genomeKey(plan.experimentId(), c.genome().hash()),
                    CandidateMessages.toProto(plan.experimentId(), c, run.skipsProbe(c))
                            .toByteArray()));
        }
        candidatesPublished.addAndGet(candidates.size());
        produced.increment(candidates.size());
        return out;
    }

    private ProducerRecord<byte[], byte[]> report(ExperimentPlan plan, ExperimentRun run, Report.Phase phase) {
        return report(plan, run, phase, 0);
    }

    private ProducerRecord<byte[], byte[]> report(
            ExperimentPlan plan, ExperimentRun run, Report.Phase phase, int topAtLeast) {
        return reportRecord(reportMessage(plan, run, phase, topAtLeast));
    }

    private static ProducerRecord<byte[], byte[]> reportRecord(Report r) {
        return record(Topics.REPORTS, Topics.experimentKey(r.getExperimentId()), r.toByteArray());
    }

    private Report reportMessage(ExperimentPlan plan, ExperimentRun run, Report.Phase phase, int topAtLeast) {
        List<Trial> ranking = run.ranking();
        Report.Builder r = Report.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(plan.experimentId())
                .setPhase(phase)
                .setSource(SERVICE)
                .addAllCalibration(
                        calibrations.containsKey(plan.experimentId())
                                ? calibrations.get(plan.experimentId()).steps()
                                : List.of())
                .setGeneration(run.generation())
                .setGenerations(plan.settings().generations())
                .setCandidatesScored(run.scored())
                .setTrainExpected(plan.trainEntrants(run.scored()));
        if (run.exhausted() != null) {
            r.setEndedEarly(run.exhausted());
        }
        if (!ranking.isEmpty()) {
            r.setBestScore(ranking.get(0).score());
            meters.searchBestScore(plan.experimentId(), ranking.get(0).score());
        }
        meters.searchGeneration(plan.experimentId(), run.generation());
        int n = Math.min(ranking.size(), Math.max(Math.max(REPORT_TOP, plan.trainTopK()), topAtLeast));
        for (int i = 0; i < n; i++) {
            r.addTop(ranked(plan.experimentId(), ranking.get(i)));
        }
        return r.build();
    }

    /** A trial as a report entry: its score message as the scorer would have built it, summarised. */
    static RankedCandidate ranked(String experimentId, Trial t) {
        Score s = ScoreMessages.score(
                CandidateMessages.toProto(experimentId, t.candidate()),
                t.candidate().genome(),
                t.outcome().cost(),
                SERVICE);
        return ScoreMessages.ranked(s).build();
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

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
    }

    /** Candidates published so far (metrics, tests). */
    public long candidatesPublished() {
        return candidatesPublished.get();
    }

    /** Scores collected by the replay so far (for tests: a finished experiment's are skipped). */
    int scoresHeldForReplay() {
        return replayedScores.values().stream().mapToInt(Map::size).sum();
    }

    /** Experiments whose search state this sampler holds: the unfinished ones. */
    public int runsHeld() {
        return runs.size();
    }

    /** Experiments training by successive halving whose last result is not in yet. */
    public int trainingsHeld() {
        return halvings.size();
    }

    /** Records dead-lettered so far. */
    public long deadLettered() {
        return deadLettered.get();
    }
}
