package dev.autost.sampler;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.messaging.codec.TrainMessages;
import dev.autost.proto.v1.CalibrationStep;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.Score;
import dev.autost.proto.v1.TrainRequest;
import dev.autost.proto.v1.TrainResult;
import dev.autost.sampler.Submission.Refused;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a restarting sampler reads back before it rebuilds its experiments: the specs in arrival
 * order (and which were asked to stop, or refused), and of each experiment its scores, its own
 * train requests and reports, and the train results. Dropped once caught up.
 * Not thread-safe: the sampler's loop owns it.
 */
final class ReplayedRecords {
    private final Map<String, ExperimentPlan> plans = new LinkedHashMap<>();
    private final Set<String> stops = new HashSet<>();
    private final List<Refused> refused = new ArrayList<>();

    /** A train result as the search and the halving read it. */
    record Result(
            double testAccuracy, List<Double> accuracies, List<Double> losses, boolean failed, String recipeKey) {}

    /** One experiment's records; empty for an experiment that published nothing before. */
    static final class Of {
        final Map<String, Score> scores = new HashMap<>();
        /** Most epochs asked per genome hash. */
        final Map<String, Integer> requests = new HashMap<>();
        /** The last result per genome hash. */
        final Map<String, Result> results = new HashMap<>();
        /** Calibration choices, from the last sampler report. */
        List<CalibrationStep> calibration = List.of();
        /** Calibration trainings asked (requests of rank 0). */
        final Set<String> calibrationRequests = new HashSet<>();

        /** What this experiment asked or had trained before the restart. */
        Set<String> knownTrainings() {
            Set<String> known = new HashSet<>(requests.keySet());
            known.addAll(results.keySet());
            return known;
        }
    }

    static final Of NONE = new Of();

    private final Map<String, Of> experiments = new HashMap<>();

    /** A spec; a later one of the same experiment counts only as its stop. */
    void spec(ExperimentPlan plan, boolean stop) {
        plans.putIfAbsent(plan.experimentId(), plan);
        if (stop) {
            stops.add(plan.experimentId());
        }
    }

    void refused(Refused r) {
        refused.add(r);
    }

    /** The specs read: those {@linkplain #begun begun} first, each part in arrival order. */
    List<ExperimentPlan> plansBegunFirst() {
        List<ExperimentPlan> sorted = new ArrayList<>(plans.values());
        sorted.sort(Comparator.comparing(p -> !begun(p.experimentId()))); // stable
        return sorted;
    }

    /** Its search had begun before the restart (scores stored), or it was asked to stop. */
    boolean begun(String experimentId) {
        return hasScores(experimentId) || stopRequested(experimentId);
    }

    List<Refused> refused() {
        return refused;
    }

    boolean stopRequested(String experimentId) {
        return stops.contains(experimentId);
    }

    private Of at(String experimentId) {
        return experiments.computeIfAbsent(experimentId, k -> new Of());
    }

    void score(Score s) {
        at(s.getExperimentId()).scores.merge(s.getGenomeHash(), s, ScoreMessages::keep);
    }

    /** One of the sampler's own train requests; nothing for null or a record the trainers dead-letter. */
    void request(byte[] value) {
        if (value == null) {
            return;
        }
        TrainRequest r;
        try {
            r = TrainRequest.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            return;
        }
        Of of = at(r.getExperimentId());
        of.requests.merge(r.getGenomeHash(), r.getEpochs(), Math::max);
        if (r.getRank() == 0) {
            of.calibrationRequests.add(r.getGenomeHash());
        }
    }

    void result(TrainResult r) {
        at(r.getExperimentId())
                .results
                .put(
                        r.getGenomeHash(),
                        new Result(
                                r.getTestAccuracy(),
                                r.getEpochTestAccuraciesList(),
                                r.getEpochTrainLossesList(),
                                !TrainMessages.succeeded(r),
                                r.getRecipeKey()));
    }

    /**
     * One of the sampler's own reports: the last one's calibration choices count.
     *
     * @return how it ends its experiment, or null while that stays open ({@link ExperimentPhase#endedBy})
     */
    ExperimentPhase report(Report r) {
        at(r.getExperimentId()).calibration = r.getCalibrationList();
        return ExperimentPhase.endedBy(r);
    }

    Of of(String experimentId) {
        return experiments.getOrDefault(experimentId, NONE);
    }

    boolean hasScores(String experimentId) {
        Of of = experiments.get(experimentId);
        return of != null && !of.scores.isEmpty();
    }

    /** Scores held, over all experiments (tests: a finished experiment's are skipped). */
    int scoreCount() {
        return experiments.values().stream().mapToInt(o -> o.scores.size()).sum();
    }

    void clear() {
        plans.clear();
        stops.clear();
        refused.clear();
        experiments.clear();
    }
}
