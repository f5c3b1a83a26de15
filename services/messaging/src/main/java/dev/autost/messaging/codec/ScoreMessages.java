package dev.autost.messaging.codec;

import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.autost.domain.cost.CostEstimate;
import dev.autost.domain.evaluation.Ranking;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.search.Candidate;
import dev.autost.domain.search.Objective;
import dev.autost.domain.search.ObjectiveScorer;
import dev.autost.domain.search.Outcome;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.CandidateMessage;
import dev.autost.proto.v1.RankedCandidate;
import dev.autost.proto.v1.Score;
import dev.autost.proto.v1.TrainResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The {@link Score} message both ways: built from a candidate and its cost estimate (the scorer),
 * read back as the domain's {@link Outcome} (the sampler), ranked and turned into named metrics
 * (the evaluator, API and CLI). The only place that knows the score's extra-field keys. Stateless.
 */
public final class ScoreMessages {
    /** Keys of {@link Score#getExtraMap()}: cost-model figures beyond the message's own fields. */
    public static final String EXTRA_ENERGY_FULL_PJ = "energy_full_pj";

    public static final String EXTRA_AC_OPS = "ac_ops";
    public static final String EXTRA_MAC_OPS = "mac_ops";

    /** Scores best first: the official score (flops_syops) down, then ask order, as the strategies rank. */
    public static final Comparator<Score> BEST_FIRST = Ranking.bestFirst(Score::getFlopsSyops, Score::getSequence);

    private ScoreMessages() {}

    /** The score of {@code candidate}, whose genome is {@code genome}, with the cost model's estimate. */
    public static Score score(CandidateMessage candidate, Genome genome, CostEstimate cost, String scorerId) {
        return Score.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(candidate.getExperimentId())
                .setGenomeHash(genome.hash())
                .setGenome(GenomeMessages.toProto(genome))
                .setGeneration(candidate.getGeneration())
                .setSequence(candidate.getSequence())
                .setParams(cost.params())
                .setFlopsSyops(cost.flopsSyops())
                .setFlopsFull(cost.flopsFull())
                .setEnergyPj(cost.energyPj())
                .putExtra(EXTRA_ENERGY_FULL_PJ, cost.energyFullPj())
                .putExtra(EXTRA_AC_OPS, cost.acOps())
                .putExtra(EXTRA_MAC_OPS, cost.macOps())
                .setScorerId(scorerId)
                .setSkipProbe(candidate.getSkipProbe())
                .build();
    }

    /**
     * A score as a leaderboard entry of a report (without accuracy: reports add it for trained
     * entries). The entry's fields are the score's fields of the same name, copied by descriptor,
     * so the two messages cannot drift apart.
     */
    public static RankedCandidate.Builder ranked(Score s) {
        RankedCandidate.Builder r = RankedCandidate.newBuilder();
        for (FieldDescriptor to : RankedCandidate.getDescriptor().getFields()) {
            FieldDescriptor from = Score.getDescriptor().findFieldByName(to.getName());
            if (from != null && !from.isRepeated() && !from.isMapField()) {
                r.setField(to, s.getField(from));
            }
        }
        return r.putAllExtra(s.getExtraMap());
    }

    /**
     * The score a {@link RankedCandidate} of a report was made from ({@link #ranked}), for a reader
     * that keeps a finished experiment's summary instead of its scores. The scorer id and the
     * skip-probe flag are not carried; a test accuracy is not part of a score.
     */
    public static Score fromRanked(String experimentId, RankedCandidate c) {
        Score.Builder s =
                Score.newBuilder().setSchemaVersion(SchemaVersions.CURRENT).setExperimentId(experimentId);
        for (FieldDescriptor from : RankedCandidate.getDescriptor().getFields()) {
            FieldDescriptor to = Score.getDescriptor().findFieldByName(from.getName());
            if (to != null && !from.isRepeated() && !from.isMapField()) {
                s.setField(to, c.getField(from));
            }
        }
        return s.putAllExtra(c.getExtraMap()).build();
    }

    /**
     * The outcome the scorer computed. The official score travels as a double, which is exact
     * for these magnitudes (a multiple of 1/32 below 2^48); it is split back into a whole part
     * and a per-call remainder over {@code syopsBatch} so that {@code flopsSyops()} is unchanged.
     */
    public static Outcome outcome(Score s, int syopsBatch) {
        double f = s.getFlopsSyops();
        long whole = (long) Math.floor(f);
        long bias = Math.round((f - whole) * syopsBatch);
        CostEstimate c = new CostEstimate(
                s.getParams(),
                whole,
                bias,
                syopsBatch,
                (long) s.getFlopsFull(),
                s.getExtraOrDefault(EXTRA_AC_OPS, 0),
                s.getExtraOrDefault(EXTRA_MAC_OPS, 0),
                s.getEnergyPj(),
                s.getExtraOrDefault(EXTRA_ENERGY_FULL_PJ, s.getEnergyPj()));
        return new Outcome(f, c);
    }

    /**
     * What a score says of its candidate, for an {@link ObjectiveScorer}: the cost model's estimate
     * (as {@link #outcome(Score, int)} rebuilds it), the probe metrics it carries and whether a
     * probe gate skipped it.
     */
    public static ObjectiveScorer.Measurement measurement(Score s, int syopsBatch) {
        return new ObjectiveScorer.Measurement(outcome(s, syopsBatch).cost(), probes(s), s.getSkipProbe());
    }

    /** A score with its outcome under its experiment's objective. */
    public record Ranked(Score score, Outcome outcome) {}

    /**
     * One experiment's scores ranked under its objective, best first (equal scores in ask order),
     * as the sampler ranks them: told to an {@link ObjectiveScorer} generation by generation in ask
     * order. Scores whose value is not known yet (not probed; under rank-mean, anything before the
     * first generation is complete) are left out, so a live view shows a candidate once it counts.
     */
    public static List<Ranked> rank(Collection<Score> scores, Objective objective, int syopsBatch) {
        return rank(scores, objective, syopsBatch, Map.of());
    }

    /**
     * {@link #rank(Collection, Objective, int)} for an objective {@code calibrated}, with the
     * sampler's choices ({@link CalibrationMessages#choices}): without a choice for the first
     * generation nothing is ranked yet.
     */
    public static List<Ranked> rank(
            Collection<Score> scores, Objective objective, int syopsBatch, Map<Integer, String> calibration) {
        SortedMap<Integer, List<Score>> byGeneration = new TreeMap<>();
        java.util.Set<Long> sequences = new java.util.HashSet<>();
        for (Score s : scores) {
            // What no sampler publishes (a broken genome, a number that is not finite, a position
            // out of range or taken twice) is left out, as the sampler and the evaluator refuse it.
            if (problem(s) == null
                    && s.getGeneration() >= 0
                    && s.getSequence() >= 0
                    && sequences.add(s.getSequence())) {
                byGeneration
                        .computeIfAbsent(s.getGeneration(), g -> new ArrayList<>())
                        .add(s);
            }
        }
        ObjectiveScorer scorer = new ObjectiveScorer(objective);
        if (objective.isCalibrated()) {
            calibration.forEach(scorer::calibrate);
        }
        Map<Long, Score> bySequence = new HashMap<>();
        List<Ranked> out = new ArrayList<>(scores.size());
        for (List<Score> generation : byGeneration.values()) {
            generation.sort(Comparator.comparingLong(Score::getSequence));
            List<Candidate> asked = new ArrayList<>(generation.size());
            for (Score s : generation) {
                asked.add(new Candidate(s.getSequence(), s.getGeneration(), GenomeMessages.toDomain(s.getGenome())));
                bySequence.put(s.getSequence(), s);
            }
            scorer.asked(asked);
            for (Score s : generation) {
                ObjectiveScorer.Measurement m = measurement(s, syopsBatch);
                if (scorer.complete(m)) {
                    scorer.offer(s.getSequence(), m)
                            .forEach(t -> out.add(new Ranked(bySequence.get(t.candidateId()), t.outcome())));
                }
            }
            if (scorer.waitingForReference() || scorer.waitingForCalibration()) {
                break; // later generations score against a reference (or a choice) not there yet
            }
        }
        out.sort(Ranking.bestFirst(
                (Ranked r) -> r.outcome().score(), r -> r.score().getSequence()));
        return out;
    }

    /** The probe metrics ({@link Objective#PROBE_METRICS}) a score carries, by name; empty if not probed. */
    public static Map<String, Double> probes(Score s) {
        Map<String, Double> m = new TreeMap<>();
        for (String name : Objective.PROBE_METRICS) {
            if (s.containsExtra(name)) {
                m.put(name, s.getExtraOrThrow(name));
            }
        }
        return m;
    }

    /** Whether the prober has enriched this score (it carries every probe metric). */
    public static boolean isProbed(Score s) {
        return Objective.PROBE_METRICS.stream().allMatch(s::containsExtra);
    }

    /**
     * Which of two scores of one candidate to keep, {@code next} arriving later: the later one,
     * unless only the earlier one is probed (the candidate was scored again after the prober
     * enriched it, and the probe metrics must not be lost).
     */
    public static Score keep(Score before, Score next) {
        return before != null && isProbed(before) && !isProbed(next) ? before : next;
    }

    /** The score enriched with the probe metrics measured on its untrained network. */
    public static Score probed(Score s, Map<String, Double> probes) {
        return s.toBuilder().putAllExtra(probes).build();
    }

    /**
     * Every metric AutoST itself produces, by the names {@link #metrics} gives them: the score's
     * fields, the scorer's extras, the trainers' proxies at initialisation.
     */
    public static final java.util.List<String> OWN_METRICS = java.util.List.of(
            "flops_syops",
            "flops_full",
            "params",
            "energy_pj",
            EXTRA_ENERGY_FULL_PJ,
            EXTRA_AC_OPS,
            EXTRA_MAC_OPS,
            Objective.NASWOT,
            Objective.SAHD,
            Objective.ENERGY_INIT_PJ);

    /**
     * Training-free metrics of a score, by the names used in reports and docs: its own fields and
     * extras, plus the proxies a trainer measured at initialisation ({@code result} may be null).
     */
    public static SortedMap<String, Double> metrics(Score s, TrainResult result) {
        SortedMap<String, Double> m = new TreeMap<>(s.getExtraMap());
        if (result != null) {
            m.putAll(result.getProxiesMap());
        }
        m.put("flops_syops", s.getFlopsSyops());
        m.put("flops_full", s.getFlopsFull());
        m.put("params", (double) s.getParams());
        m.put("energy_pj", s.getEnergyPj());
        return m;
    }

    /**
     * Why a score cannot be used (told to a search, ranked on a leaderboard), or null: its genome must be one the scorer could
     * have scored (a 100 000-layer genome made every report of its experiment too large to
     * publish) and match its hash, and its numbers must be finite (NaN sorts first).
     */
    public static String problem(Score s) {
        Genome g;
        try {
            g = GenomeMessages.toDomain(s.getGenome());
        } catch (RuntimeException e) {
            return "score with an invalid genome: " + e.getMessage();
        }
        if (!g.hash().equals(s.getGenomeHash())) {
            return "genome_hash '" + s.getGenomeHash() + "' does not match the genome's hash '" + g.hash() + "'";
        }
        if (!Double.isFinite(s.getFlopsSyops())
                || !Double.isFinite(s.getFlopsFull())
                || !Double.isFinite(s.getEnergyPj())) {
            return "score with a number that is not finite (flops_syops " + s.getFlopsSyops() + ", flops_full "
                    + s.getFlopsFull() + ", energy_pj " + s.getEnergyPj() + ")";
        }
        for (Map.Entry<String, Double> p : probes(s).entrySet()) {
            if (p.getValue().isNaN()) { // -infinity is a real log-determinant (a singular kernel)
                return "score with probe metric " + p.getKey() + " = NaN";
            }
        }
        if (s.getExtraCount() > MAX_EXTRAS) {
            return "score with " + s.getExtraCount() + " extra metrics, more than the " + MAX_EXTRAS
                    + " a scorer and prober write";
        }
        for (String name : s.getExtraMap().keySet()) {
            if (name.isEmpty() || name.length() > MAX_METRIC_NAME) {
                return "score with an extra metric name of " + name.length() + " characters (1 to " + MAX_METRIC_NAME
                        + ")";
            }
        }
        return null;
    }

    /**
     * Most extra metrics a usable score carries: the scorer writes 3 and the prober 4. Reports copy
     * a candidate's extras, so one score with thousands of them made its experiment's reports, the
     * final summary included, too large to publish (the fuzz suite at full size).
     */
    public static final int MAX_EXTRAS = 64;

    /** Longest extra metric name of a usable score. */
    public static final int MAX_METRIC_NAME = 64;
}
