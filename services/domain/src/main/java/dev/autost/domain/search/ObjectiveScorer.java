package dev.autost.domain.search;

import dev.autost.domain.cost.CostEstimate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One experiment's {@link Objective} applied to its candidates' measurements, in the order they
 * arrive: the sampler's, the offline search's and the results writer's single way to turn metrics
 * into outcomes, so all three rank alike.
 *
 * <p>A single-metric objective scores a candidate as soon as its metric is there. A rank-mean
 * objective first needs its reference, the experiment's first generation (a uniform sample of
 * the feasible space): those candidates are held until all of them are measured, then scored
 * together; every later candidate is scored against the same reference as it arrives. Scores
 * never change once given, and depend only on the measurements, not their order.
 *
 * <p>A calibrated objective scores like a rank-mean of one metric, the one {@linkplain #calibrate
 * chosen} for the candidate's generation: the first generation is held until it is measured and a
 * metric is chosen for it; a later choice applies from the generation it names on.
 *
 * <p>Not thread-safe; one per run.
 */
public final class ObjectiveScorer {
    /**
     * What is known of one candidate.
     *
     * @param cost         the cost model's estimate
     * @param probes       probe metrics by name (empty until probed)
     * @param probeSkipped a {@link ProbeGate} left it unprobed on purpose
     */
    public record Measurement(CostEstimate cost, Map<String, Double> probes, boolean probeSkipped) {
        public Measurement {
            Objects.requireNonNull(cost, "cost");
            probes = Map.copyOf(probes);
        }

        /** A measurement of the cost model alone. */
        public static Measurement ofCost(CostEstimate cost) {
            return new Measurement(cost, Map.of(), false);
        }
    }

    /** A candidate's outcome, ready to be told. */
    public record Told(long candidateId, Outcome outcome) {}

    private final Objective objective;
    private Set<Long> referenceIds;
    private final Map<Long, Measurement> held = new TreeMap<>();
    private Map<String, double[]> reference;
    /** Calibrated: the metric chosen from each generation on. */
    private final TreeMap<Integer, String> chosen = new TreeMap<>();

    private final Map<Long, Integer> generationOf = new HashMap<>();

    public ObjectiveScorer(Objective objective) {
        this.objective = Objects.requireNonNull(objective, "objective");
    }

    public Objective objective() {
        return objective;
    }

    /** Call with every generation as it is asked, before its measurements arrive. */
    public void asked(List<Candidate> generation) {
        if (objective.isCalibrated()) {
            generation.forEach(c -> generationOf.put(c.id(), c.generation()));
        }
        if (referenceIds == null && !generation.isEmpty()) {
            referenceIds = generation.stream().map(Candidate::id).collect(Collectors.toUnmodifiableSet());
        }
    }

    /** True while a rank-mean objective holds first-generation candidates for its reference. */
    public boolean waitingForReference() {
        return objective.needsReference() && reference == null && referenceIds != null;
    }

    /**
     * Calibrated: the whole first generation is measured and held, and no metric is chosen for it
     * yet; the sampler then trains its calibration sample and calls {@link #calibrate}.
     */
    public boolean waitingForCalibration() {
        return objective.isCalibrated() && reference != null && !chosen.containsKey(0);
    }

    /**
     * Calibrated: rank generation {@code fromGeneration} and later by {@code metric}.
     *
     * @return the held first generation's outcomes when this is its choice, else nothing
     */
    public List<Told> calibrate(int fromGeneration, String metric) {
        if (!objective.isCalibrated() || !objective.metrics().contains(metric)) {
            throw new IllegalArgumentException("cannot calibrate " + objective + " to " + metric);
        }
        chosen.put(fromGeneration, metric);
        if (fromGeneration != 0 || reference == null || held.isEmpty()) {
            return List.of();
        }
        return release();
    }

    /** Calibrated: the metric generation {@code g} ranks by, or null while none is chosen. */
    public String metricFor(int generation) {
        Map.Entry<Integer, String> e = chosen.floorEntry(generation);
        return e == null ? null : e.getValue();
    }

    /** {@link Objective#isMeasured}: whether {@link #offer} can take this measurement. */
    public boolean complete(Measurement m) {
        return objective.isMeasured(m);
    }

    /**
     * Takes a complete measurement of an asked candidate and returns the outcomes that are now
     * known: this candidate's, none while a rank-mean objective waits for the rest of its
     * reference generation, or the whole reference generation at once (ascending ids).
     *
     * @throws IllegalArgumentException if the measurement is not {@linkplain #complete complete} or a
     *     metric is NaN
     */
    public List<Told> offer(long candidateId, Measurement m) {
        if (!complete(m)) {
            throw new IllegalArgumentException("candidate " + candidateId + " has no " + objective + " yet");
        }
        if (!objective.needsReference()) {
            Outcome o = m.probeSkipped() && objective.needsProbes()
                    ? objective.unprobed(m.cost())
                    : objective.outcome(m.cost(), m.probes());
            return List.of(new Told(candidateId, o));
        }
        if (reference != null) {
            return List.of(new Told(candidateId, rankMean(candidateId, m)));
        }
        if (referenceIds == null || !referenceIds.contains(candidateId)) {
            throw new IllegalStateException(
                    "candidate " + candidateId + " arrived before the reference generation was complete");
        }
        held.put(candidateId, m);
        if (held.size() < referenceIds.size()) {
            return List.of();
        }
        reference = new HashMap<>();
        for (String name : objective.metrics()) {
            reference.put(
                    name,
                    held.values().stream()
                            .filter(r -> !(r.probeSkipped() && Objective.PROBE_METRICS.contains(name)))
                            .map(r -> Objective.value(name, r.cost(), r.probes()))
                            .filter(Objects::nonNull)
                            .mapToDouble(Double::doubleValue)
                            .sorted()
                            .toArray());
        }
        if (objective.isCalibrated() && !chosen.containsKey(0)) {
            return List.of(); // held until a metric is chosen for the first generation
        }
        return release();
    }

    private List<Told> release() {
        List<Told> out = new ArrayList<>(held.size());
        held.forEach((id, r) -> out.add(new Told(id, rankMean(id, r))));
        held.clear();
        return out;
    }

    /**
     * Mean over the metrics of the candidate's mid-rank percentile in the reference (0..1); for a
     * calibrated objective, over the one metric chosen for the candidate's generation.
     */
    private Outcome rankMean(long candidateId, Measurement m) {
        if (m.probeSkipped() && objective.needsProbes()) {
            return objective.unprobed(m.cost());
        }
        List<String> metrics = objective.isCalibrated()
                ? List.of(metricFor(generationOf.getOrDefault(candidateId, 0)))
                : objective.metrics();
        double sum = 0;
        for (String name : metrics) {
            sum += percentile(reference.get(name), Objective.value(name, m.cost(), m.probes()));
        }
        return new Outcome(sum / metrics.size(), m.cost(), m.probes());
    }

    /** (values below + half the values equal) / all; 0.5 with no reference values. */
    static double percentile(double[] sorted, double v) {
        if (sorted.length == 0) {
            return 0.5;
        }
        int below = lowerBound(sorted, v);
        int notAbove = lowerBound(sorted, Math.nextUp(v));
        if (v == Double.POSITIVE_INFINITY) {
            notAbove = sorted.length;
        }
        return (below + 0.5 * (notAbove - below)) / sorted.length;
    }

    /** Index of the first value >= v. */
    private static int lowerBound(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
