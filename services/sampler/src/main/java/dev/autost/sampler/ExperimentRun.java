package dev.autost.sampler;

import dev.autost.domain.cost.CostEstimate;
import dev.autost.domain.search.Candidate;
import dev.autost.domain.search.EvolutionSettings;
import dev.autost.domain.search.Feasibility;
import dev.autost.domain.search.GenerationalSearch;
import dev.autost.domain.search.Objective;
import dev.autost.domain.search.ObjectiveScorer;
import dev.autost.domain.search.ObjectiveScorer.Measurement;
import dev.autost.domain.search.ProbeGate;
import dev.autost.domain.search.Strategy;
import dev.autost.domain.search.Trial;
import dev.autost.domain.space.SearchSpace;
import dev.autost.messaging.codec.ExperimentPlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One experiment's search as the sampler sees it: candidates go out keyed by genome
 * hash, scores come back keyed by genome hash, in any order and possibly twice.
 * Holds no search logic: it translates hashes to the strategy's candidate ids and
 * calls ask/tell.
 *
 * <p>Restart: {@link #replay} rebuilds the run from the scores already published. The
 * strategy is deterministic for its seed and breeds only from told outcomes, so
 * re-asking and re-telling the known scores reproduces exactly the state before the
 * restart; the candidates of the first unfinished generation are returned for
 * re-publishing (scorers are idempotent per hash).
 *
 * <p>Not thread-safe: one event loop owns a run.
 */
public final class ExperimentRun {
    private final String experimentId;
    private final GenerationalSearch strategy;
    private final Feasibility feasibility;
    private final ProbeGate gate;
    private final ObjectiveScorer scorer;
    private final Map<String, Candidate> outstanding = new HashMap<>();
    /** Outstanding candidates held back from publishing, in ask order ({@link #hold}, {@link #release}). */
    private final Map<String, Candidate> unsent = new LinkedHashMap<>();

    private final Set<Long> skipProbe = new HashSet<>();
    private int generationsAsked;
    private List<Candidate> firstGeneration = List.of();
    /** Calibrated only: what is known of each candidate, for the calibration's fit. */
    private final Map<String, Measurement> measured = new HashMap<>();

    private ExperimentRun(
            String experimentId,
            Strategy strategy,
            Feasibility feasibility,
            EvolutionSettings settings,
            Objective objective,
            ProbeGate gate) {
        this.experimentId = Objects.requireNonNull(experimentId, "experimentId");
        this.strategy = strategy.create(feasibility, settings);
        this.feasibility = feasibility;
        this.scorer = new ObjectiveScorer(objective);
        this.gate = gate;
    }

    /** A fresh run; nothing asked yet. Probes are gated by the plan's gate when its objective needs them. */
    public static ExperimentRun start(ExperimentPlan plan) {
        return new ExperimentRun(
                plan.experimentId(),
                plan.strategy(),
                Feasibility.of(plan.space()),
                plan.settings(),
                plan.objective(),
                plan.objective().needsProbes() ? plan.probeGate() : ProbeGate.ALL);
    }

    /** A fresh run on the paper's objective (flops_syops); nothing asked yet. */
    public static ExperimentRun start(
            String experimentId, SearchSpace space, Strategy strategy, EvolutionSettings settings) {
        return new ExperimentRun(
                experimentId, strategy, Feasibility.of(space), settings, Objective.DEFAULT, ProbeGate.ALL);
    }

    /**
     * Rebuilds a run from scores already known by hash, and returns it with the
     * candidates that still need a score (to publish again).
     */
    public static Replayed replay(ExperimentPlan plan, Map<String, Measurement> knownScores) {
        return replay(plan, knownScores, Map.of());
    }

    /**
     * {@link #replay(ExperimentPlan, Map)} of a calibrated objective with the choices the sampler
     * recorded (metric from each generation on), applied before any score is told again. Without a
     * choice for the first generation the replay stops there ({@link #waitingForCalibration}); {@link
     * #continueReplay} goes on once one is made.
     */
    public static Replayed replay(
            ExperimentPlan plan, Map<String, Measurement> knownScores, Map<Integer, String> calibration) {
        ExperimentRun run = start(plan);
        calibration.forEach(run.scorer::calibrate);
        return replay(run, knownScores);
    }

    /** Goes on re-telling {@code knownScores} after a replay stopped for a calibration. */
    public static Replayed continueReplay(ExperimentRun run, Map<String, Measurement> knownScores) {
        return replay(run, knownScores);
    }

    /** {@link #replay(ExperimentPlan, Map)} for a run on the paper's objective. */
    public static Replayed replay(
            String experimentId,
            SearchSpace space,
            Strategy strategy,
            EvolutionSettings settings,
            Map<String, Measurement> knownScores) {
        return replay(start(experimentId, space, strategy, settings), knownScores);
    }

    private static Replayed replay(ExperimentRun run, Map<String, Measurement> knownScores) {
        int replayed = 0;
        while (!run.isFinished()) {
            List<Candidate> batch = run.ask();
            if (batch.isEmpty()) {
                // Every asked candidate is measured, yet the generation is not told: a calibrated
                // objective waits for its first choice.
                return new Replayed(run, List.of(), replayed);
            }
            List<Candidate> missing = new ArrayList<>();
            for (Candidate c : batch) {
                Measurement known = knownScores.get(c.genome().hash());
                if (known == null) {
                    missing.add(c);
                } else {
                    run.onScore(c.genome().hash(), known);
                    replayed++;
                }
            }
            if (!missing.isEmpty()) {
                return new Replayed(run, missing, replayed);
            }
        }
        return new Replayed(run, List.of(), replayed);
    }

    /** A replayed run, the candidates still waiting for scores, and how many scores were re-told. */
    public record Replayed(ExperimentRun run, List<Candidate> pending, int replayedScores) {
        public Replayed {
            pending = List.copyOf(pending);
        }
    }

    public String experimentId() {
        return experimentId;
    }

    /** The next candidates to publish; empty while a generation is being scored or when finished. */
    public List<Candidate> ask() {
        List<Candidate> batch = strategy.ask();
        if (!batch.isEmpty()) {
            if (generationsAsked == 0) {
                firstGeneration = List.copyOf(batch);
            }
            generationsAsked++;
        }
        for (Candidate c : batch) {
            outstanding.put(c.genome().hash(), c);
        }
        // One ask is one whole generation, so the gate and the objective see the generation.
        skipProbe.addAll(gate.skipped(batch, feasibility.costModel()));
        scorer.asked(batch);
        return batch;
    }

    /**
     * Holds asked candidates (or a replay's pending ones) back from publishing until {@link
     * #release} lets them out: a generation of 100 000 candidates then does not sit in the
     * scorers' partitions ahead of every other experiment's.
     */
    public void hold(List<Candidate> candidates) {
        for (Candidate c : candidates) {
            if (outstanding.containsKey(c.genome().hash())) {
                unsent.put(c.genome().hash(), c);
            }
        }
    }

    /**
     * The held candidates to publish now, oldest first, so that at most {@code inFlight} are out:
     * published and not scored yet. Each score frees a place.
     */
    public List<Candidate> release(int inFlight) {
        int out = outstanding.size() - unsent.size();
        List<Candidate> now = new ArrayList<>();
        var it = unsent.values().iterator();
        while (out < inFlight && it.hasNext()) {
            now.add(it.next());
            it.remove();
            out++;
        }
        return now;
    }

    /** Candidates held back from publishing. */
    public int unsent() {
        return unsent.size();
    }

    /** Calibrated: the first generation is measured and waits for the metric to rank it by. */
    public boolean waitingForCalibration() {
        return scorer.waitingForCalibration();
    }

    /**
     * Calibrated: ranks generation {@code fromGeneration} and later by {@code metric}; the first
     * choice tells the held first generation.
     *
     * @return the trials told now
     */
    public List<Trial> calibrate(int fromGeneration, String metric) {
        List<Trial> told = new ArrayList<>();
        for (ObjectiveScorer.Told t : scorer.calibrate(fromGeneration, metric)) {
            told.add(strategy.tell(t.candidateId(), t.outcome()));
        }
        return told;
    }

    /** Calibrated: the metric generation {@code g} ranks by, or null before the first choice. */
    public String metricFor(int generation) {
        return scorer.metricFor(generation);
    }

    /** The first generation as asked (empty before the first ask). */
    public List<Candidate> firstGeneration() {
        return firstGeneration;
    }

    /** Calibrated: what is known of a measured candidate, or null. */
    public Measurement measurement(String genomeHash) {
        return measured.get(genomeHash);
    }

    /** Generations asked so far: the index of the next one. */
    public int generationsAsked() {
        return generationsAsked;
    }

    /** Whether the probe gate leaves this asked candidate unprobed. */
    public boolean skipsProbe(Candidate c) {
        return skipProbe.contains(c.id());
    }

    /**
     * Records what is known of an outstanding candidate and tells the strategy every outcome that
     * became known: usually this candidate's, none while the measurement lacks the objective's
     * metric (the candidate stays outstanding) or a rank-mean objective waits for the rest of its
     * reference generation, and that whole generation when its last member arrives. Empty too when
     * the hash is not outstanding (a duplicate delivery, or a score already told before a restart).
     *
     * @return the trials told now
     */
    public List<Trial> onScore(String genomeHash, Measurement m) {
        Candidate c = outstanding.get(genomeHash);
        if (c == null || !scorer.complete(m)) {
            return List.of();
        }
        outstanding.remove(genomeHash);
        unsent.remove(genomeHash); // published before a restart and scored then: not sent again
        if (scorer.objective().isCalibrated()) {
            measured.put(genomeHash, m);
        }
        List<Trial> told = new ArrayList<>();
        for (ObjectiveScorer.Told t : scorer.offer(c.id(), m)) {
            told.add(strategy.tell(t.candidateId(), t.outcome()));
        }
        return told;
    }

    /** {@link #onScore(String, Measurement)} of the cost model alone. */
    public List<Trial> onScore(String genomeHash, CostEstimate cost) {
        return onScore(genomeHash, Measurement.ofCost(cost));
    }

    public boolean isFinished() {
        return strategy.isFinished();
    }

    /** Why the search ended before its last generation (its space ran out of candidates), or null. */
    public String exhausted() {
        return strategy.endedEarly().orElse(null);
    }

    public int generation() {
        return strategy.generation();
    }

    public int scored() {
        return strategy.told();
    }

    /** Candidates asked and still waiting for a score (published, or held back by {@link #hold}). */
    public int outstanding() {
        return outstanding.size();
    }

    /** Every scored candidate, best first. */
    public List<Trial> ranking() {
        return strategy.ranking();
    }
}
