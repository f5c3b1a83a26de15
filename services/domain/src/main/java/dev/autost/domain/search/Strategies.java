package dev.autost.domain.search;

import java.util.List;
import java.util.Locale;

/**
 * Creates a strategy by its name: {@code evolution}, {@code random} or {@code pareto} (searches),
 * {@code stratified} or {@code uniform} (one generation of {@code population} genomes, spread over
 * the parameter range or uniformly random: the samples {@code autost study} trains in full).
 */
public final class Strategies {
    public static final List<String> NAMES = List.of("evolution", "random", "pareto", "stratified", "uniform");

    private Strategies() {}

    /**
     * @throws IllegalArgumentException naming the accepted strategies
     */
    public static GenerationalSearch create(String name, Feasibility feasibility, EvolutionSettings settings) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "evolution" -> new EvolutionSearch(feasibility, settings);
            case "random" -> new RandomSearch(feasibility, settings);
            case "pareto" -> new ParetoEvolutionSearch(feasibility, settings);
            case "stratified" -> new OneShotSample(feasibility, settings, OneShotSample.Spread.PARAMS);
            case "uniform" -> new OneShotSample(feasibility, settings, OneShotSample.Spread.UNIFORM);
            default ->
                throw new IllegalArgumentException("unknown strategy '" + name + "' (expected one of " + NAMES + ")");
        };
    }
}
