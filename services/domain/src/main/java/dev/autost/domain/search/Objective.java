package dev.autost.domain.search;

import dev.autost.domain.cost.CostEstimate;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The training-free metric a search maximises. Every metric is read the way the paper reads
 * FLOPs: a predictor of trained accuracy, so bigger is better (energy included; to trade accuracy
 * against energy use the {@code pareto} strategy).
 *
 * <p>Cost metrics come from the closed-form cost model, for every scored candidate. Probe metrics
 * are measured on the untrained network with one batch of real images (the prober service, or the
 * in-process probe of an offline search), so a search on one of them waits for the probe.
 *
 * @param metric the metric's name as in scores and reports
 */
public record Objective(String metric) {
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

    /** The paper's objective, and the default of every experiment. */
    public static final Objective DEFAULT = new Objective(FLOPS_SYOPS);

    public Objective {
        Objects.requireNonNull(metric, "metric");
        if (!COST_METRICS.contains(metric) && !PROBE_METRICS.contains(metric)) {
            throw new IllegalArgumentException("objective '" + metric + "' is not one of " + String.join(", ", ids()));
        }
    }

    /**
     * @param id a metric name; empty or null means {@link #DEFAULT}
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Objective parse(String id) {
        return id == null || id.isEmpty() ? DEFAULT : new Objective(id);
    }

    /** Every accepted objective name, cost metrics first. */
    public static List<String> ids() {
        return java.util.stream.Stream.concat(COST_METRICS.stream(), PROBE_METRICS.stream())
                .toList();
    }

    /** The name in specs, the API and the CLI. */
    public String id() {
        return metric;
    }

    /** Whether a candidate's value needs a probe of the untrained network, not only the cost model. */
    public boolean needsProbes() {
        return PROBE_METRICS.contains(metric);
    }

    /**
     * The candidate's outcome under this objective, or {@code null} while its metric is not known
     * yet (a probe metric before the probe answered).
     *
     * @param probes the probe metrics measured so far, by name
     * @throws IllegalArgumentException if the metric is there but NaN (it would rank first)
     */
    public Outcome outcome(CostEstimate cost, Map<String, Double> probes) {
        Double v = switch (metric) {
            case FLOPS_SYOPS -> cost.flopsSyops();
            case "flops_full" -> (double) cost.flopsFull();
            case "params" -> (double) cost.params();
            case "energy_pj" -> cost.energyPj();
            default -> probes.get(metric);
        };
        if (v == null) {
            return null;
        }
        if (v.isNaN()) {
            throw new IllegalArgumentException("objective " + metric + " is NaN");
        }
        return new Outcome(v, cost, probes);
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
        return metric;
    }
}
