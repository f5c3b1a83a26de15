package dev.autost.evaluator;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.autost.domain.evaluation.ParetoFront;
import dev.autost.domain.evaluation.RankCorrelation;
import dev.autost.domain.model.ModelSetting;
import dev.autost.domain.search.Objective;
import dev.autost.messaging.DeadLetters;
import dev.autost.messaging.ReplayingLoop;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.CalibrationMessages;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.messaging.codec.ReportMessages;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.messaging.codec.TrainMessages;
import dev.autost.observability.AutostMeters;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.ExperimentSpec;
import dev.autost.proto.v1.MetricCorrelation;
import dev.autost.proto.v1.RankedCandidate;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.Score;
import dev.autost.proto.v1.TrainResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluator's reaction to scores, the sampler's reports and training results: it keeps a
 * leaderboard per experiment and publishes an evaluation report (key
 * {@code experimentId/evaluation}), ranked under the experiment's objective, when training results arrive and, once the search is done
 * and every expected result is in, a FINISHED report. Idempotent per (experiment, hash): a
 * redelivered score or result replaces the same entry. Not thread-safe: loop thread only.
 */
public final class EvaluatorHandler implements ReplayingLoop.Handler {
    /** Service name in dead letters and report source. */
    public static final String SERVICE = "evaluator";

    /**
     * Candidates in every report's leaderboard besides the trained ones: the final report is the
     * experiment's summary, which the API keeps instead of the scores (docs/operations.md).
     */
    public static final int SUMMARY_TOP = 50;
    /** Most Pareto-front entries per report (best first); ~20 bytes each. */
    static final int MAX_FRONT = 1000;
    /** Most leaderboard entries per report. */
    static final int MAX_TOP = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(EvaluatorHandler.class);

    private final DeadLetters deadLetters;
    /** The experiments without a final report yet: a board lives until its final report is out. */
    private final Map<String, Leaderboard> boards = new HashMap<>();
    /**
     * Experiments whose final report (FINISHED, STOPPED, FAILED) is published: their leaderboards
     * are dropped and their later records skipped by key, undecoded. A final word stays final (a
     * result redelivered after it used to republish the report with the search's phase, turning
     * a finished experiment back into an unfinished one), and memory follows the experiments
     * still running, not the history.
     */
    private final java.util.Set<String> settled = new java.util.HashSet<>();

    private final AutostMeters meters;

    public EvaluatorHandler(DeadLetters deadLetters) {
        this(deadLetters, AutostMeters.noop());
    }

    public EvaluatorHandler(DeadLetters deadLetters, AutostMeters meters) {
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    /** One experiment's view. */
    static final class Leaderboard {
        final String experimentId;
        final Map<String, Score> scores = new HashMap<>();
        final Map<String, TrainResult> results = new HashMap<>();
        /** From the experiment's spec; the paper's until a usable spec is seen. */
        Objective objective = Objective.DEFAULT;

        int syopsBatch = ModelSetting.OFFICIAL.syopsBatch();
        Report searchState;

        Leaderboard(String experimentId) {
            this.experimentId = experimentId;
        }

        /**
         * The search is done and every expected result is in. With successive halving the sampler
         * keeps {@code training_open} until its last promotion trained, and a promoted candidate's
         * earlier result does not count for its later rung: the results' epochs must add up to
         * those requested.
         */
        boolean complete() {
            return searchState != null
                    && ReportMessages.searchAndTrainingDone(searchState)
                    // The sampler's count: its report may be read before the last scores, which
                    // sit in other partitions (behind a large search's, say).
                    && scores.size() >= searchState.getCandidatesScored()
                    && results.size() >= searchState.getTrainExpected()
                    && epochsTrained() >= searchState.getTrainEpochsRequested();
        }

        private long epochsTrained() {
            long sum = 0;
            for (TrainResult r : results.values()) {
                sum += r.getEpochs();
            }
            return sum;
        }
    }

    @Override
    public List<ProducerRecord<byte[], byte[]>> onRecord(ConsumerRecord<byte[], byte[]> record, boolean replaying) {
        if (record.value() == null) {
            return List.of();
        }
        if (settled.contains(Topics.experimentOfKey(record.key()))) {
            return List.of();
        }
        try {
            return switch (record.topic()) {
                case Topics.EXPERIMENTS -> onSpec(record.value());
                case Topics.SCORES -> onScore(Score.parseFrom(record.value()), record, replaying);
                case Topics.REPORTS -> onReport(Report.parseFrom(record.value()), record, replaying);
                case Topics.TRAIN_RESULTS -> onResult(TrainResult.parseFrom(record.value()), record, replaying);
                default -> List.of();
            };
        } catch (InvalidProtocolBufferException e) {
            return deadLetters.reject(record, "cannot decode " + record.topic() + " record: " + e.getMessage(), e);
        }
    }

    /** Learns the experiment's objective; a spec it cannot use is the sampler's to refuse and report. */
    private List<ProducerRecord<byte[], byte[]>> onSpec(byte[] value) {
        try {
            ExperimentPlan plan = ExperimentPlan.fromSpec(ExperimentSpec.parseFrom(value));
            Leaderboard b = board(plan.experimentId());
            b.objective = plan.objective();
            b.syopsBatch = plan.space().setting().syopsBatch();
        } catch (InvalidProtocolBufferException | dev.autost.domain.AutostException | IllegalArgumentException e) {
            // The sampler dead-letters it and publishes the experiment's FAILED report.
        }
        return List.of();
    }

    private List<ProducerRecord<byte[], byte[]>> onScore(
            Score s, ConsumerRecord<byte[], byte[]> record, boolean replaying) {
        if (!SchemaVersions.isKnown(s.getSchemaVersion())) {
            return deadLetters.unknownVersion(record, s.getSchemaVersion());
        }
        String idProblem = ExperimentPlan.idProblem(s.getExperimentId());
        if (idProblem != null) {
            return deadLetters.reject(record, idProblem, null);
        }
        String problem = ScoreMessages.problem(s);
        if (problem != null) {
            return deadLetters.reject(record, problem, null);
        }
        Leaderboard b = board(s.getExperimentId());
        b.scores.merge(s.getGenomeHash(), s, ScoreMessages::keep);
        return replaying ? List.of() : maybeFinish(b); // the last score after the search's end
    }

    private List<ProducerRecord<byte[], byte[]>> onReport(
            Report r, ConsumerRecord<byte[], byte[]> record, boolean replaying) {
        if (!SchemaVersions.isKnown(r.getSchemaVersion())) {
            return deadLetters.unknownVersion(record, r.getSchemaVersion());
        }
        String idProblem = ExperimentPlan.idProblem(r.getExperimentId());
        if (idProblem != null) {
            return deadLetters.reject(record, idProblem, null);
        }
        if (r.getPhase() == Report.Phase.UNRECOGNIZED || r.getPhase() == Report.Phase.PHASE_UNSPECIFIED) {
            // Kept as the search state, it would fail every later report of the experiment.
            return deadLetters.reject(record, "report with unknown phase " + r.getPhaseValue(), null);
        }
        if (SERVICE.equals(r.getSource())) {
            if (ReportMessages.isFinal(r.getPhase())) {
                settle(r.getExperimentId());
            }
            return List.of();
        }
        Leaderboard b = board(r.getExperimentId());
        b.searchState = r;
        if (endedBySampler(r.getPhase())) {
            if (replaying) {
                return List.of();
            }
            return List.of(finalReport(b, r.getPhase()));
        }
        return replaying ? List.of() : maybeFinish(b);
    }

    private List<ProducerRecord<byte[], byte[]>> onResult(
            TrainResult r, ConsumerRecord<byte[], byte[]> record, boolean replaying) {
        if (!SchemaVersions.isKnown(r.getSchemaVersion())) {
            return deadLetters.unknownVersion(record, r.getSchemaVersion());
        }
        String idProblem = ExperimentPlan.idProblem(r.getExperimentId());
        if (idProblem != null) {
            return deadLetters.reject(record, idProblem, null);
        }
        if (r.getStatus() == TrainResult.Status.UNRECOGNIZED
                || r.getStatus() == TrainResult.Status.STATUS_UNSPECIFIED) {
            return deadLetters.reject(record, "train result with unknown status " + r.getStatusValue(), null);
        }
        if (TrainMessages.succeeded(r) && !(r.getTestAccuracy() >= 0 && r.getTestAccuracy() <= 1)) {
            return deadLetters.reject(record, "test_accuracy must be in [0, 1], got " + r.getTestAccuracy(), null);
        }
        Leaderboard b = board(r.getExperimentId());
        b.results.put(r.getGenomeHash(), r);
        b.results.values().stream()
                .filter(TrainMessages::succeeded)
                .mapToDouble(TrainResult::getTestAccuracy)
                .max()
                .ifPresent(best -> meters.bestAccuracy(r.getExperimentId(), best));
        if (replaying) {
            return List.of();
        }
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(maybeFinish(b));
        if (out.isEmpty()) {
            out.add(report(b, b.searchState == null ? Report.Phase.RUNNING : b.searchState.getPhase()));
        }
        return out;
    }

    /** Reports first: an experiment whose final report is stored is skipped, not rebuilt. */
    @Override
    public List<String> replayFirst() {
        return List.of(Topics.REPORTS);
    }

    @Override
    public List<ProducerRecord<byte[], byte[]>> onCaughtUp() {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (Leaderboard b : List.copyOf(boards.values())) { // a final report settles its board
            try {
                if (b.searchState != null && endedBySampler(b.searchState.getPhase())) {
                    out.add(finalReport(b, b.searchState.getPhase()));
                } else {
                    out.addAll(maybeFinish(b));
                }
            } catch (RuntimeException e) {
                // One experiment whose stored records cannot be evaluated must not keep the
                // evaluator (and every other experiment) from starting.
                LOG.error("experiment {}: cannot evaluate the stored records", b.experimentId, e);
                out.add(failed(b, "evaluation failed: " + e));
                settle(b.experimentId);
            }
        }
        return out;
    }

    /** Experiments whose records the evaluator holds: those without a final report yet. */
    int held() {
        return boards.size();
    }

    /** The experiment's final report; its leaderboard is dropped (see {@link #settled}). */
    private ProducerRecord<byte[], byte[]> finalReport(Leaderboard b, Report.Phase phase) {
        ProducerRecord<byte[], byte[]> out = report(b, phase);
        settle(b.experimentId);
        return out;
    }

    private void settle(String experimentId) {
        boards.remove(experimentId);
        settled.add(experimentId);
    }

    /** Phases in which the sampler ends an experiment before its training is complete. */
    private static boolean endedBySampler(Report.Phase p) {
        return p == Report.Phase.STOPPED || p == Report.Phase.FAILED;
    }

    private ProducerRecord<byte[], byte[]> failed(Leaderboard b, String reason) {
        Report r = ReportMessages.failure(b.experimentId, SERVICE, reason).build();
        String key = Topics.evaluationKey(b.experimentId);
        return new ProducerRecord<>(Topics.REPORTS, key.getBytes(StandardCharsets.UTF_8), r.toByteArray());
    }

    private List<ProducerRecord<byte[], byte[]>> maybeFinish(Leaderboard b) {
        if (!b.complete()) {
            return List.of();
        }
        LOG.info("experiment {}: finished, {} scored, {} trained", b.experimentId, b.scores.size(), b.results.size());
        return List.of(finalReport(b, Report.Phase.FINISHED));
    }

    private ProducerRecord<byte[], byte[]> report(Leaderboard b, Report.Phase phase) {
        // Under the experiment's objective, as the sampler ranks; scores whose value is not known
        // yet (not probed) follow in FLOPs order, so every candidate stays counted.
        List<ScoreMessages.Ranked> byObjective = ScoreMessages.rank(
                b.scores.values(), b.objective, b.syopsBatch, CalibrationMessages.choices(b.searchState));
        Map<String, Double> objectiveScore = new HashMap<>();
        List<Score> ranked = new ArrayList<>(b.scores.size());
        for (ScoreMessages.Ranked x : byObjective) {
            objectiveScore.put(x.score().getGenomeHash(), x.outcome().score());
            ranked.add(x.score());
        }
        b.scores.values().stream()
                .filter(s -> !objectiveScore.containsKey(s.getGenomeHash()))
                .sorted(ScoreMessages.BEST_FIRST)
                .forEach(ranked::add);
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < ranked.size(); i++) {
            position.put(ranked.get(i).getGenomeHash(), i);
        }
        Report.Builder r = ReportMessages.of(b.experimentId, phase, SERVICE)
                .setCandidatesScored(b.scores.size())
                .setTrained(b.results.size());
        if (b.searchState != null) {
            r.setGeneration(b.searchState.getGeneration())
                    .setGenerations(b.searchState.getGenerations())
                    .setTrainExpected(b.searchState.getTrainExpected())
                    .setFailureReason(phase == Report.Phase.FAILED ? b.searchState.getFailureReason() : "");
        }
        if (!byObjective.isEmpty()
                && Double.isFinite(byObjective.get(0).outcome().score())) {
            r.setBestScore(byObjective.get(0).outcome().score());
        }
        // Trained candidates first (best accuracy first), then the rest by score.
        List<Score> top = new ArrayList<>(ranked);
        top.sort(Comparator.comparing((Score s) -> !TrainMessages.succeeded(b.results.get(s.getGenomeHash())))
                .thenComparingDouble(s -> TrainMessages.succeeded(b.results.get(s.getGenomeHash()))
                        ? -b.results.get(s.getGenomeHash()).getTestAccuracy()
                        : 0)
                .thenComparingInt(s -> position.get(s.getGenomeHash())));
        List<Score> listed = new ArrayList<>(top.subList(
                0, Math.min(top.size(), Math.min(MAX_TOP, Math.max(SUMMARY_TOP, b.results.size())))));
        // Then each generation's best not listed yet: the summary still draws the search's progress.
        java.util.Set<String> in = new java.util.HashSet<>();
        listed.forEach(s -> in.add(s.getGenomeHash()));
        java.util.Map<Integer, Score> bestOf = new java.util.TreeMap<>();
        for (ScoreMessages.Ranked x : byObjective) {
            if (!bestOf.containsKey(x.score().getGeneration())
                    && in.add(x.score().getGenomeHash())) {
                bestOf.put(x.score().getGeneration(), x.score());
            }
        }
        addEvaluation(b, ranked, objectiveScore, r);
        Report fitted = ReportBudget.fit(
                r,
                listed.stream().map(s -> entry(b, s)).toList(),
                bestOf.values().stream().map(s -> entry(b, s)).toList());
        String key = Topics.evaluationKey(b.experimentId);
        return new ProducerRecord<>(Topics.REPORTS, key.getBytes(StandardCharsets.UTF_8), fitted.toByteArray());
    }

    /** A listed candidate: the score's fields, with its test accuracy once trained. */
    private static RankedCandidate entry(Leaderboard b, Score s) {
        RankedCandidate.Builder c = ScoreMessages.ranked(s);
        TrainResult tr = b.results.get(s.getGenomeHash());
        if (TrainMessages.succeeded(tr)) {
            c.setTestAccuracy(tr.getTestAccuracy());
        }
        return c.build();
    }

    /** Correlations of accuracy with every metric, and the Pareto fronts. */
    private void addEvaluation(
            Leaderboard b, List<Score> ranked, Map<String, Double> objectiveScore, Report.Builder r) {
        List<Score> trained = ranked.stream()
                .filter(s -> TrainMessages.succeeded(b.results.get(s.getGenomeHash())))
                .toList();
        if (trained.size() >= 2) {
            List<java.util.SortedMap<String, Double>> perScore = trained.stream()
                    .map(s -> ScoreMessages.metrics(s, b.results.get(s.getGenomeHash())))
                    .toList();
            java.util.Set<String> common =
                    new java.util.TreeSet<>(perScore.get(0).keySet());
            perScore.forEach(m -> common.retainAll(m.keySet()));
            List<String> names = correlated(common);
            double[] acc = trained.stream()
                    .mapToDouble(s -> b.results.get(s.getGenomeHash()).getTestAccuracy())
                    .toArray();
            for (String name : names) {
                double[] m = perScore.stream().mapToDouble(x -> x.get(name)).toArray();
                RankCorrelation.Result c =
                        RankCorrelation.of(m, acc, RankCorrelation.DEFAULT_RESAMPLES, name.hashCode());
                r.addCorrelations(MetricCorrelation.newBuilder()
                        .setMetric(name)
                        .setN(c.kendallTauB().n())
                        .setKendallTauB(c.kendallTauB().value())
                        .setKendallLow(c.kendallTauB().low())
                        .setKendallHigh(c.kendallTauB().high())
                        .setSpearmanRho(c.spearmanRho().value())
                        .setSpearmanLow(c.spearmanRho().low())
                        .setSpearmanHigh(c.spearmanRho().high()));
            }
        }
        // Before any training the front is of the training-free score; after, of test accuracy.
        List<Score> pool = trained.isEmpty() ? ranked : trained;
        java.util.function.ToDoubleFunction<Score> up = trained.isEmpty()
                ? s -> objectiveScore.getOrDefault(s.getGenomeHash(), Double.NEGATIVE_INFINITY)
                : s -> b.results.get(s.getGenomeHash()).getTestAccuracy();
        // Bounded: score and energy rise together, so a front can hold most candidates of a large
        // run; a report must stay far below Kafka's 1 MB record limit.
        ParetoFront.front(pool, up, Score::getEnergyPj).stream()
                .limit(MAX_FRONT)
                .forEach(s -> r.addParetoEnergy(s.getGenomeHash()));
        ParetoFront.front(pool, up, s -> (double) s.getParams()).stream()
                .limit(MAX_FRONT)
                .forEach(s -> r.addParetoParams(s.getGenomeHash()));
    }

    /**
     * Most metrics correlated per report. Each costs two bootstraps and a line in the report; a
     * score carrying thousands of made-up metrics made every report of its experiment too large
     * to publish (found by the fuzz suite).
     */
    static final int MAX_CORRELATED_METRICS = 16;

    /** The metrics AutoST itself produces come first, then others by name, up to the cap. */
    static List<String> correlated(java.util.Set<String> names) {
        List<String> known = ScoreMessages.OWN_METRICS;
        List<String> out = new ArrayList<>();
        known.stream().filter(names::contains).forEach(out::add);
        names.stream().filter(n -> !known.contains(n) && n.length() <= 64).forEach(out::add);
        return out.subList(0, Math.min(out.size(), MAX_CORRELATED_METRICS));
    }

    private Leaderboard board(String experimentId) {
        return boards.computeIfAbsent(experimentId, Leaderboard::new);
    }

    @Override
    public List<ProducerRecord<byte[], byte[]>> onUnexpected(
            ConsumerRecord<byte[], byte[]> record, RuntimeException error) {
        return deadLetters.reject(record, "unexpected error: " + error, error);
    }
}
