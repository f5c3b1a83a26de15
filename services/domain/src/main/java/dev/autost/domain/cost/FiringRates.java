package dev.autost.domain.cost;

import java.util.Map;
import java.util.TreeMap;

/**
 * Firing rates (fraction of 1s) of the spike tensors that feed counted modules, keyed
 * by the emitting neuron's qualified name ({@code stem.lif1}, {@code blocks.0.attn.q_lif}, ...).
 * Immutable and thread-safe.
 */
public final class FiringRates {
    /**
     * Rate assumed for every neuron layer when none was measured. It is an assumption,
     * not a measurement: Spikformer-style networks typically fire in roughly the 0.1–0.3
     * range; measured rates from the trainer should replace it.
     */
    public static final double DEFAULT_RATE = 0.15;

    private static final FiringRates DEFAULT = new FiringRates(Map.of(), DEFAULT_RATE);

    private final Map<String, Double> rates;
    private final double fallback;

    private FiringRates(Map<String, Double> rates, double fallback) {
        check("fallback", fallback);
        rates.forEach(FiringRates::check);
        this.rates = Map.copyOf(rates);
        this.fallback = fallback;
    }

    private static void check(String name, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("firing rate of " + name + " must be in [0, 1], got " + rate);
        }
    }

    /** Every layer at {@link #DEFAULT_RATE}. */
    public static FiringRates defaults() {
        return DEFAULT;
    }

    /** Every layer at {@code rate}. */
    public static FiringRates uniform(double rate) {
        return new FiringRates(Map.of(), rate);
    }

    /** Measured rates per layer; layers not in the map get {@code fallback}. */
    public static FiringRates perLayer(Map<String, Double> rates, double fallback) {
        return new FiringRates(rates, fallback);
    }

    /** True when no layer has its own rate, so the closed form applies. */
    public boolean isUniform() {
        return rates.isEmpty();
    }

    public double fallback() {
        return fallback;
    }

    /** Rate of the spikes emitted by {@code neuron} in block {@code block}. */
    public double rate(int block, NetworkModule neuron) {
        if (rates.isEmpty()) {
            return fallback;
        }
        Double r = rates.get(neuron.qualifiedName(block));
        return r == null ? fallback : r;
    }

    /** The per-layer rates, sorted by name. */
    public Map<String, Double> asMap() {
        return new TreeMap<>(rates);
    }
}
