package dev.autost.domain.search;

import dev.autost.domain.cost.CostEstimate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * What a search maximises: one training-free metric, or the mean rank of several. Every metric is
 * read the way the paper reads FLOPs: a predictor of trained accuracy, so bigger is better (energy
 * included; to trade accuracy against energy use the {@code pareto} strategy).
 *
 * <p>Cost metrics come from the closed-form cost model, for every scored candidate. Probe metrics
 * are measured on the untrained network with one batch of real images (the prober service, or the
 * in-process probe of an offline search), so a search on one of them waits for the probe.
 *
 * <p>{@code rank-mean:a,b,...} scores a candidate by the mean, over the metrics, of its percentile
 * among the experiment's first generation (a uniform sample of the feasible space): metrics on
 * scales as different as FLOPs and log-determinants count alike, and a candidate's score never
 * changes once given. {@link ObjectiveScorer} holds that reference.
 *
 * <p>{@code calibrated} reads every metric and ranks by one of them, chosen from the candidates
 * trained during the search ({@link Calibration}): the metric whose Kendall tau-b with their test
 * accuracy is highest, as its percentile among the first generation, so that a later change of
 * metric keeps scores on one scale.
 *
 * @param id      the name in specs, the API and the CLI: a metric, or {@code rank-mean:} and metrics
 * @param metrics the metrics it reads (one, or at least two for rank-mean)
 */
public record Objective(String id, List<String> metrics) {
    /** FLOPs as the syops counter reports them: the paper's score. */
    public static final String FLOPS_SYOPS = "flops_syops";

    /** Log-determinant of the sparsity-aware spike Hamming kernel (SNASNet's SAHD). */
    public static final String SAHD = "sahd";

    /** Log-determinant of the plain spike Hamming kernel (NASWOT adapted to spikes). */
    public static final String NASWOT = "naswot";

    /** The cost model's energy with the firing rates measured at initialisation. */
    public static final String ENERGY_INIT_PJ = "energy_init_pj";

    /** Metrics of the cost model, known once a candidate is scored. */
    public static final List<String> COST_METRICS = List.of(FLOPS_SYOPS, "flops_full", "params", "energy_pj");

    /** Metrics measured on the untrained network by a probe. */
    public static final List<String> PROBE_METRICS = List.of(SAHD, NASWOT, ENERGY_INIT_PJ);

    /** Prefix of a rank-mean objective. */
    public static final String RANK_MEAN = "rank-mean:";

    /** The objective that chooses its metric from training results during the search. */
    public static final String CALIBRATED = "calibrated";

    /** The paper's objective, and the default of every experiment. */
    public static final Objective DEFAULT = parse(FLOPS_SYOPS);

    public Objective {
        Objects.requireNonNull(id, "id");
        metrics = List.copyOf(metrics);
    }

    /**
     * @param id a metric name or {@code rank-mean:a,b,...}; empty or null means {@link #DEFAULT}
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Objective parse(String id) {
        if (id == null || id.isEmpty()) {
            return DEFAULT;
        }
        if (id.equals(CALIBRATED)) {
            return new Objective(CALIBRATED, ids());
        }
        if (!id.startsWith(RANK_MEAN)) {
            requireMetric(id, id);
            return new Objective(id, List.of(id));
        }
        List<String> names = new ArrayList<>();
        for (String part : id.substring(RANK_MEAN.length()).split(",", -1)) {
            requireMetric(part.trim(), id);
            names.add(part.trim());
        }
        if (new LinkedHashSet<>(names).size() != names.size() || names.size() < 2) {
            throw new IllegalArgumentException("objective '" + id
                    + "': rank-mean needs at least two different metrics, e.g. rank-mean:sahd,flops_syops");
        }
        return new Objective(RANK_MEAN + String.join(",", names), names);
    }

    private static void requireMetric(String name, String id) {
        if (!COST_METRICS.contains(name) && !PROBE_METRICS.contains(name)) {
            throw new IllegalArgumentException("objective '" + id + "' is not one of " + String.join(", ", ids())
                    + ", rank-mean:METRIC,METRIC[,...] of them or " + CALIBRATED);
        }
    }

    /** Every metric an objective can name, cost metrics first. */
    public static List<String> ids() {
        return Stream.concat(COST_METRICS.stream(), PROBE_METRICS.stream()).toList();
    }

    /** Whether this is a mean of ranks (which needs its experiment's first generation as reference). */
    public boolean isRankMean() {
        return id.startsWith(RANK_MEAN);
    }

    /** Whether the metric is chosen during the search from training results ({@link Calibration}). */
    public boolean isCalibrated() {
        return id.equals(CALIBRATED);
    }

    /** Whether scores are percentiles among the first generation, which {@link ObjectiveScorer} holds. */
    public boolean needsReference() {
        return isRankMean() || isCalibrated();
    }

    /** Whether a candidate's value needs a probe of the untrained network, not only the cost model. */
    public boolean needsProbes() {
        return metrics.stream().anyMatch(PROBE_METRICS::contains);
    }

    /**
     * One metric of a candidate: the cost model's, or a probe's ({@code null} while not probed).
     *
     * @throws IllegalArgumentException if the metric is NaN (it would rank first)
     */
    public static Double value(String metric, CostEstimate cost, Map<String, Double> probes) {
        Double v = switch (metric) {
            case FLOPS_SYOPS -> cost.flopsSyops();
            case "flops_full" -> (double) cost.flopsFull();
            case "params" -> (double) cost.params();
            case "energy_pj" -> cost.energyPj();
            default -> probes.get(metric);
        };
        if (v != null && v.isNaN()) {
            throw new IllegalArgumentException("metric " + metric + " is NaN");
        }
        return v;
    }

    /**
     * Whether a measurement holds what this objective reads: a candidate of a probe objective is
     * measured once probed, or skipped by its probe gate.
     */
    public boolean isMeasured(ObjectiveScorer.Measurement m) {
        return m.probeSkipped() || metrics.stream().allMatch(name -> value(name, m.cost(), m.probes()) != null);
    }

    /**
     * The candidate's outcome under a single-metric objective, or {@code null} while its metric is
     * not known yet (a probe metric before the probe answered).
     *
     * @throws IllegalStateException for a rank-mean objective (use {@link ObjectiveScorer})
     * @throws IllegalArgumentException if the metric is NaN
     */
    public Outcome outcome(CostEstimate cost, Map<String, Double> probes) {
        if (needsReference()) {
            throw new IllegalStateException(id + " scores against its experiment's first generation");
        }
        Double v = value(metrics.get(0), cost, probes);
        return v == null ? null : new Outcome(v, cost, probes);
    }

    /**
     * The outcome of a candidate a {@link ProbeGate} left unprobed: below every probed one (minus
     * infinity; ties keep ask order).
     */
    public Outcome unprobed(CostEstimate cost) {
        return new Outcome(Double.NEGATIVE_INFINITY, cost, Map.of());
    }

    @Override
    public String toString() {
        return id;
    }
}
