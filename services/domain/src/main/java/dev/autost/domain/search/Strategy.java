package dev.autost.domain.search;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The search strategies by name: {@code evolution}, {@code random} and {@code pareto} search;
 * {@code stratified} and {@code uniform} draw one generation of {@code population} genomes,
 * spread over the parameter range or uniformly random (the samples {@code autost study} trains
 * in full). {@code warmup} and {@code model} draw such a uniform sample too, score it (by the
 * objective: a training-free proxy) and differ in what they train: {@code warmup} the proxy's
 * best with a few random picks ({@link WarmUp}), {@code model} one candidate at a time chosen by
 * a surrogate of accuracy refitted on every result (the sampler's model-based training).
 */
public enum Strategy {
    EVOLUTION,
    RANDOM,
    PARETO,
    STRATIFIED,
    UNIFORM,
    WARMUP,
    MODEL;

    /** Every strategy's name, as specs, the API and the CLI spell it. */
    public static final List<String> NAMES =
            Arrays.stream(values()).map(Strategy::id).toList();

    /** The name in specs and on the command line, e.g. {@code evolution}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The strategy called {@code name} (any case).
     *
     * @throws IllegalArgumentException naming the accepted strategies
     */
    public static Strategy parse(String name) {
        String wanted = name == null ? "" : name.trim();
        return Arrays.stream(values())
                .filter(s -> s.id().equalsIgnoreCase(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown strategy '" + name + "' (expected one of " + NAMES + ")"));
    }

    /** A fresh search of this strategy, nothing asked yet. */
    public GenerationalSearch create(Feasibility feasibility, EvolutionSettings settings) {
        return switch (this) {
            case EVOLUTION -> new EvolutionSearch(feasibility, settings);
            case RANDOM -> new RandomSearch(feasibility, settings);
            case PARETO -> new ParetoEvolutionSearch(feasibility, settings);
            case STRATIFIED -> new OneShotSample(feasibility, settings, OneShotSample.Spread.PARAMS);
            case UNIFORM, WARMUP, MODEL -> new OneShotSample(feasibility, settings, OneShotSample.Spread.UNIFORM);
        };
    }
}
